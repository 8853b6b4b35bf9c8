// GET /api/v1/links/{id}/daily?from=&to=&tz=: a link's day-by-day curve for its page. Each
// calendar day of the creator's zone the period touches (report_period; the last one up to `to`)
// with the link's clicks (the quarter-hour rollup filed into local days, bots excluded) and the
// sales that came through it per currency (conversions attributed to the link, rejected ones
// left out, as in the revenue report); and the period's totals per currency with the commission
// per click (EPC).
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::reports {

void add_link_curve_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::reports
