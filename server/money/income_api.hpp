// /api/v1/income: money earned outside affiliate sales (Creator Rewards, LIVE gifts,
// subscriptions, brand deals, own products), so revenue by source is the whole picture.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::money {

// `instance_zone` (LINKLEDGER_TIMEZONE) is where an entry's date given as an instant is read, as
// a sale's time without an offset is; the list's from and to given as instants are read there too.
void add_income_routes(http::router& routes, db::database& db, std::string instance_zone);

} // namespace linkledger::money
