#include "users/user_store.hpp"

#include "db/utc_timestamp.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>

namespace linkledger::users {
namespace {

constexpr auto k_created_at = db::utc_timestamp<db::time_precision::milliseconds>("created_at");

} // namespace

std::optional<std::string> normalized_email(std::string_view email, std::string& problem)
{
    std::string lower(email);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto const at = lower.find('@');
    bool const clean = std::none_of(lower.begin(), lower.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"';
    });
    // Deliberately loose: the address is a login name here, never mailed to.
    if (lower.size() < 3 || lower.size() > 254 || at == std::string::npos || at == 0 ||
        at + 1 == lower.size() || lower.find('@', at + 1) != std::string::npos || !clean) {
        problem = "email must look like name@example.com (at most 254 characters)";
        return std::nullopt;
    }
    return lower;
}

bool is_role(std::string_view role)
{
    return role == "owner" || role == "viewer";
}

user insert_user(pqxx::transaction_base& tx, std::string const& email, std::string const& role,
                 std::string const& password_hash)
{
    auto const row = tx.exec_params1(
        std::string("INSERT INTO users (email, role, password_hash) VALUES ($1, $2, $3) "
                    "RETURNING id, email, role, ") + k_created_at.c_str(),
        email, role, password_hash);
    return {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
            row[3].as<std::string>()};
}

std::vector<user> list_users(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec(std::string("SELECT id, email, role, ") + k_created_at.c_str() +
                              " FROM users WHERE disabled_at IS NULL ORDER BY id");
    std::vector<user> out;
    for (auto const& row : rows)
        out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                       row[2].as<std::string>(), row[3].as<std::string>()});
    return out;
}

std::optional<login_record> find_login(pqxx::connection& conn, std::string const& email)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(
        "SELECT id, role, password_hash FROM users WHERE email = $1 AND disabled_at IS NULL", email);
    if (rows.empty())
        return std::nullopt;
    return login_record{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>(),
                        rows[0][2].as<std::string>()};
}

bool delete_user(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const result = tx.exec_params("DELETE FROM users WHERE id = $1", id);
    return result.affected_rows() == 1;
}

std::int64_t count_owners(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    return tx.exec1("SELECT count(*) FROM users WHERE role = 'owner' AND disabled_at IS NULL")[0]
        .as<std::int64_t>();
}

} // namespace linkledger::users
