// /api/v1/income: money earned outside affiliate sales (Creator Rewards, LIVE gifts,
// subscriptions, brand deals, own products), so revenue by source is the whole picture.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::money {

void add_income_routes(http::router& routes, db::database& db);

} // namespace linkledger::money
