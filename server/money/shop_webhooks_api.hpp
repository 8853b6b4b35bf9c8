// POST /webhooks/shopify/{offer_id} and /webhooks/woocommerce/{offer_id}: order webhooks,
// verified by the base64 HMAC-SHA256 of the raw body under the offer's webhook secret. A bad
// signature is 401 and nothing is stored.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"
#include "money/sale_recorder.hpp"

namespace linkledger::money {

void add_shop_webhook_routes(http::router& routes, db::database& db, attribution_settings settings);

} // namespace linkledger::money
