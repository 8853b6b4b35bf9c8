// GET /api/v1/reports/revenue?group_by=source|video|link|code|offer|stream|day|hour&from=&to=
// Clicks come from the rollups (per link, day and source; per hour for group_by=hour), never from raw clicks; money
// from conversions (rejected ones never count) and, for group_by=stream, income entries.
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

void add_report_routes(http::router& routes, db::database& db);

} // namespace linkledger::reports
