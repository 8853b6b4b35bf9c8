// /api/v1/offers: the programmes sales are booked against, with their commission rule, the
// postback URL to paste into the network and the secret shops sign their webhooks with.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::money {

void add_offer_routes(http::router& routes, db::database& db, std::string const& public_url);

} // namespace linkledger::money
