// /api/v1/conversions: the sales ledger (list, enter by hand, change status) and the CSV
// import of a network's report.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"
#include "money/sale_recorder.hpp"

namespace linkledger::money {

void add_conversion_routes(http::router& routes, db::database& db, attribution_settings settings);

} // namespace linkledger::money
