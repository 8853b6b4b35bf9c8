// GET /api/v1/reports/clicks?group_by=source|country|device|os|referrer&link_id=|video_id=&from=&to=&tz=:
// the period's clicks (bots and previewers excluded) split by one trait of the click, for the
// whole instance, one link or the links of one video. Sources come from the quarter-hour rollup
// (kept for ever, exact in any zone); country, device, OS and referrer host are not rolled up
// that finely, so they are counted in the raw clicks, which the retention period
// (LINKLEDGER_CLICK_RETENTION_DAYS) bounds: the answer says which ("basis").
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::reports {

void add_click_breakdown_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::reports
