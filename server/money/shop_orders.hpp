// Shopify and WooCommerce order webhooks mapped to sales: the order id is the txid, the order
// total and currency the sale, discount codes the promo code, a click_id found in the landing
// page or order metadata the click. Refunds and cancellations become "rejected".
#pragma once

#include "money/offer.hpp"
#include "money/sale_recorder.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::money {

struct shop_order {
    std::string txid;
    std::string total;    // decimal, major units, as the shop sends it
    std::string currency;
    std::string status;   // pending, approved, rejected
    std::string code;     // the first discount code, if any
    std::string click_id;
    std::string occurred_at;
};

// Nothing when the payload is not an order (Shopify refunds/create is handled apart).
std::optional<shop_order> shopify_order(boost::json::object const& order);
std::optional<shop_order> woocommerce_order(boost::json::object const& order);

// Shopify refunds/create: the order id and the amounts of its successful refund
// transactions (decimals), or nothing.
struct shop_refund {
    std::string txid;
    std::vector<std::string> amounts;
};
std::optional<shop_refund> shopify_refund(boost::json::object const& refund);

// The order as a sale of offer `o` (whose currency applies when the order names none); `via`
// is "shopify" or "woocommerce". Throws http_error 400 (field "total") for a total that is not
// an amount in that currency.
sale sale_from_shop_order(shop_order const& order, offer const& o, std::string_view via);

// What the refund's transactions add up to in minor units of `currency`. Throws http_error 400
// (field "amount") for an amount that is not one; a sum past any real sale is capped, not
// wrapped, so it can only ever refund the whole sale.
std::int64_t refund_total_minor(shop_refund const& refund, std::string_view currency);

} // namespace linkledger::money
