// Dashboard sessions, kept server-side so they can be revoked: the cookie carries a random
// id, the table only its SHA-256, beside the session's CSRF token.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkledger::auth {

inline constexpr std::chrono::hours k_session_lifetime{24 * 14};

struct new_session {
    std::string id;         // the cookie's value; exists only in the reply
    std::string csrf_token;
};

struct session_info {
    std::int64_t user_id = 0;
    std::string email;
    std::string role;
    std::string csrf_token;
};

new_session create_session(pqxx::transaction_base& tx, std::int64_t user_id);
// The live session `id` names (not expired, not revoked, user still there), or nothing.
std::optional<session_info> find_session(pqxx::connection& conn, std::string_view id);
void revoke_session(pqxx::connection& conn, std::string_view id);

} // namespace linkledger::auth
