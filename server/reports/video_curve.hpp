// GET /api/v1/videos/{id}/daily?from=&to=&tz=: a video's day-by-day curve for its page. Each
// calendar day of the creator's zone the period touches (report_period, as the revenue report)
// with the platform's figures that day (video_stats, null when not known), the clicks of the
// video's links (the quarter-hour rollup filed into local days) and its sales and other income
// per currency; and the period's totals per currency with the per-video economics
// (reports/video_economics: RPM, clicks per 1,000 views, earnings per follower).
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::reports {

void add_video_curve_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::reports
