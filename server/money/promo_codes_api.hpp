// /api/v1/promo-codes: codes said in videos ("LEA10"), unique case-insensitively; a shop
// order or postback carrying one is attributed to the code's video.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::money {

void add_promo_code_routes(http::router& routes, db::database& db);

} // namespace linkledger::money
