// A dashboard user's own preferences, kept on their row of users: for now their time zone,
// the default zone of the reports they read (NULL: the instance's LINKLEDGER_TIMEZONE).
#pragma once

#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>

namespace linkledger::users {

// The zone the user picked, or nothing (not picked, or no such user).
std::optional<std::string> time_zone_of(pqxx::transaction_base& tx, std::int64_t user_id);
// `zone` must have been checked (db::known_zone); nothing clears the choice.
void set_time_zone(pqxx::transaction_base& tx, std::int64_t user_id, std::optional<std::string> const& zone);

} // namespace linkledger::users
