// SQL for dashboard users: one function per query, each taking the caller's connection.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::users {

struct user {
    std::int64_t id = 0;
    std::string email;
    std::string role; // "owner" or "viewer"
    std::string created_at;
};

struct login_record {
    std::int64_t id = 0;
    std::string role;
    std::string password_hash;
};

// Lower-cased and checked; empty optional with `problem` set when it is not an address.
std::optional<std::string> normalized_email(std::string_view email, std::string& problem);
bool is_role(std::string_view role);

// Throws pqxx::unique_violation when the email is taken.
user insert_user(pqxx::transaction_base& tx, std::string const& email, std::string const& role,
                 std::string const& password_hash);
std::vector<user> list_users(pqxx::connection& conn);
std::optional<login_record> find_login(pqxx::connection& conn, std::string const& email);
// False when there is no such user. Its sessions go with it (ON DELETE CASCADE).
bool delete_user(pqxx::transaction_base& tx, std::int64_t id);
std::int64_t count_owners(pqxx::connection& conn);

} // namespace linkledger::users
