// GET /api/v1/reports/sales?link_id=|video_id=&from=&to=&tz=: the sales of one link (those
// attributed to it by click) or one video (by click, code or model) that happened in the period,
// newest first, each with its amount, commission and status (rejected ones too: the page shows
// what was reversed). At most 500; "more" says when there were more.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::reports {

void add_subject_sales_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::reports
