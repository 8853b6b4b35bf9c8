#include "auth/session_store.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"

#include <pqxx/pqxx>

namespace linkledger::auth {
namespace {

constexpr std::size_t k_session_id_length = 43; // base62: about 256 bits
constexpr std::size_t k_csrf_length = 32;

pqxx::binarystring id_digest(std::string_view id)
{
    auto const digest = crypto::sha256(id);
    return pqxx::binarystring(digest.data(), digest.size());
}

bool well_formed(std::string_view id)
{
    if (id.size() != k_session_id_length)
        return false;
    for (char c : id)
        if (crypto::k_base62.find(c) == std::string_view::npos)
            return false;
    return true;
}

} // namespace

new_session create_session(pqxx::transaction_base& tx, std::int64_t user_id)
{
    new_session s{crypto::random_string(k_session_id_length, crypto::k_base62),
                  crypto::random_string(k_csrf_length, crypto::k_base62)};
    tx.exec_params("INSERT INTO sessions (id_sha256, user_id, csrf_token, expires_at) "
                   "VALUES ($1, $2, $3, now() + make_interval(hours => $4))",
                   id_digest(s.id), user_id, s.csrf_token,
                   static_cast<int>(k_session_lifetime.count()));
    // Expired sessions are swept here, a user's login being rare enough to carry the cost.
    tx.exec("DELETE FROM sessions WHERE expires_at < now() - interval '1 day'");
    return s;
}

std::optional<session_info> find_session(pqxx::connection& conn, std::string_view id)
{
    if (!well_formed(id))
        return std::nullopt;
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(
        "SELECT u.id, u.email, u.role, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.id_sha256 = $1 AND s.revoked_at IS NULL AND s.expires_at > now() "
        "AND u.disabled_at IS NULL",
        id_digest(id));
    if (rows.empty())
        return std::nullopt;
    return session_info{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>(),
                        rows[0][2].as<std::string>(), rows[0][3].as<std::string>()};
}

void revoke_session(pqxx::connection& conn, std::string_view id)
{
    if (!well_formed(id))
        return;
    pqxx::work tx(conn);
    tx.exec_params("UPDATE sessions SET revoked_at = now() WHERE id_sha256 = $1 AND revoked_at IS NULL",
                   id_digest(id));
    tx.commit();
}

} // namespace linkledger::auth
