// GET /api/v1/reports/heatmap?from=&to=&tz=Europe/Paris: "when your audience clicks", clicks
// per day of the week (0 = Monday) and hour of the day in the creator's time zone.
// Read from the quarter-hour rollup, whose UTC quarter-hours are shifted with AT TIME ZONE, so a
// zone whose offset is not whole hours (Asia/Kolkata +05:30) and a daylight-saving change are
// filed exactly; bot hits are kept apart there and never count. All 168 cells are returned,
// zeros included, Monday 00:00 first. The zone and period are report_period's: tz=, else the
// user's choice, else LINKLEDGER_TIMEZONE; bare dates are midnights of that zone.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::reports {

// SQL for the cells: $1 from, $2 to (timestamptz), $3 a validated zone name.
extern char const* const k_heatmap_sql;

void add_heatmap_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::reports
