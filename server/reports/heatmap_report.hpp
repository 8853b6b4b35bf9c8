// GET /api/v1/reports/heatmap?from=&to=&tz=Europe/Paris: "when your audience clicks", clicks
// per day of the week (0 = Monday) and hour of the day in the creator's time zone.
// Read from the hourly rollup, whose hours are UTC and are shifted with AT TIME ZONE; bot hits
// are kept apart there and never count. All 168 cells are returned, zeros included, Monday
// 00:00 first. A zone whose offset is not whole hours (Asia/Kolkata) files each UTC hour under
// the local hour it starts in.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::reports {

// SQL for the cells: $1 from, $2 to (timestamptz), $3 a validated zone name.
extern char const* const k_heatmap_sql;

void add_heatmap_routes(http::router& routes, db::database& db);

} // namespace linkledger::reports
