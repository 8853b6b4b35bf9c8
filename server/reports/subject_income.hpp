// GET /api/v1/reports/income?link_id=|video_id=&from=&to=&tz=: the other income (Creator
// Rewards, gifts, brand deals...) tagged to one video whose day falls in the period (local days
// of the zone), newest first. Income is tagged to videos, never to links: for a link, it is the
// income of the link's video ("video_id" in the answer; none, and no rows, when the link has
// no video).
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::reports {

void add_subject_income_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::reports
