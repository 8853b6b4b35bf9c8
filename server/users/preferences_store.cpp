#include "users/preferences_store.hpp"

#include <pqxx/pqxx>

namespace linkledger::users {
namespace {

constexpr char const* k_select_time_zone = "SELECT time_zone FROM users WHERE id = $1";
constexpr char const* k_update_time_zone = "UPDATE users SET time_zone = $2 WHERE id = $1";

} // namespace

std::optional<std::string> time_zone_of(pqxx::transaction_base& tx, std::int64_t user_id)
{
    auto const rows = tx.exec_params(k_select_time_zone, user_id);
    if (rows.empty() || rows[0][0].is_null())
        return std::nullopt;
    return rows[0][0].as<std::string>();
}

void set_time_zone(pqxx::transaction_base& tx, std::int64_t user_id, std::optional<std::string> const& zone)
{
    tx.exec_params0(k_update_time_zone, user_id, zone);
}

} // namespace linkledger::users
