// Time-zone names as the settings, the preferences and the reports take them: IANA names
// (Europe/Paris, Asia/Kolkata, UTC) that PostgreSQL knows, since PostgreSQL does all the zone
// arithmetic (AT TIME ZONE, with the name always passed as a parameter).
#pragma once

#include <pqxx/transaction_base>

#include <string>
#include <string_view>

namespace linkledger::db {

inline constexpr std::size_t k_max_zone_name = 64;

// Shaped like an IANA name: letters, digits, '_', '-', '+' and '/' between its parts, at most
// 64 characters. Says nothing of whether the zone exists (known_zone does).
bool plausible_zone_name(std::string_view name);

// Whether PostgreSQL knows `name` as a zone (pg_timezone_names), not only as an abbreviation
// or a POSIX string ("UTC+3" is three hours *behind* UTC there, the reverse of ISO 8601).
// Asking costs PostgreSQL about 50 ms (it reads every zone file), so a known name is
// remembered for the life of the process.
bool known_zone(pqxx::transaction_base& tx, std::string const& name);

} // namespace linkledger::db
