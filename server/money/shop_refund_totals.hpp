// What a shop refunded of an order, from the refunds kept for it (shop_refunds, migrations 0008
// and 0031), against the order's commission base: the one figure both the shop's own deliveries
// and the other doors (postback, CSV, by hand) book a shop sale's amount from.
//
// Refunds that carry their own subtotal part (Shopify's: the money less the tax, shipping and
// duties they name, exact in minor units) are summed as they are. Refunds that are a share of
// their order (WooCommerce's gross amounts) are summed first and the order's share of that sum
// (subtotal over total) is rounded once, half to even: rounded one by one, three refunds of 0.01
// on a 60.00 order of 45.00 subtotal took 0.03 off where the order's share is 0.0225, i.e. 0.02,
// and the sale no longer matched the merchant's statement.
#pragma once

#include "money/offer.hpp"
#include "money/shop_orders.hpp"

#include <pqxx/transaction_base>

#include <cstdint>
#include <string>

namespace linkledger::money {

// The refunds of order `txid` kept in `currency`, taken off the base of offer `o`
// (commission_base), given the order's bases before refunds. Capped at the bigint range, never
// wrapped: refunds past any real sale refund all of it.
std::int64_t refunded_of_order(pqxx::transaction_base& tx, offer const& o, std::string const& txid,
                               std::string const& currency, order_bases const& bases);

} // namespace linkledger::money
