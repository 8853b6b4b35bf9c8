// Shopify and WooCommerce order webhooks mapped to sales: the order id is the txid, the order
// total and currency the sale, discount codes the promo code, a click_id found in the landing
// page or order metadata the click. Refunds and cancellations become "rejected".
#pragma once

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

} // namespace linkledger::money
