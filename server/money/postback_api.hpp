// Where networks and shops report sales: /postback/{offer_id} (token-authenticated GET or POST,
// as networks send them) and the Shopify and WooCommerce order webhooks (HMAC-signed).
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"
#include "money/sale_recorder.hpp"

namespace linkledger::money {

void add_postback_routes(http::router& routes, db::database& db, attribution_settings settings);

} // namespace linkledger::money
