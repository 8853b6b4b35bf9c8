// GET /api/v1/reports/revenue?group_by=source|video|link|code|offer|stream|day|hour&from=&to=&tz=
// Clicks come from the rollups (per link, day and source, and per quarter-hour for the ends of a
// period and for days and hours), never from raw clicks; money from conversions (rejected ones
// never count) and, for group_by=stream, income entries. Days and hours are the creator's
// (report_period: tz=, the user's choice, LINKLEDGER_TIMEZONE).
// One row per key and currency: amounts in different currencies are never added together.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <optional>
#include <string>

namespace linkledger::reports {

struct revenue_query {
    std::string group_by;
    std::string from; // ISO 8601; inclusive
    std::string to;   // exclusive
};

// The SQL for one grouping, or nothing for an unknown group_by.
std::optional<std::string> revenue_sql(std::string const& group_by);

// `instance_zone`: LINKLEDGER_TIMEZONE, the days' zone when neither tz= nor the user says.
void add_report_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::reports
