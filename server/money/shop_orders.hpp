// Shopify and WooCommerce order webhooks mapped to sales: the order id is the txid, the order's
// commission base (subtotal after discounts, or total) and currency the sale, discount codes the
// promo code (the first of them that is a code of the offer), a click_id found in the landing page or order metadata the click. Refunds are
// facts of their own, keyed by their id; cancellations become "rejected".
//
// Which fields are read, and why (the amounts BEFORE refunds; refunds are subtracted apart, once
// each, so an order update that already reflects a refund never counts it a second time):
// - Shopify: `subtotal_price` is "the price of the order after discounts but before shipping,
//   duties, taxes, and tips"; it "includes taxes for taxes-included orders and excludes taxes for
//   taxes-excluded orders" (shopify.dev, REST Order and GraphQL CalculatedOrder). `total_price`
//   is the order's original total. Their `current_*` twins "reflect order edits, returns, and
//   refunds" and are read only when the original is absent. When `taxes_included` is true the
//   items' tax (`total_tax` less the tax of `shipping_lines`) is taken out of the subtotal.
// - WooCommerce: `total` never changes with refunds (they are listed apart); the subtotal is
//   `total - shipping_total - total_tax` (`total_tax` includes the shipping tax).
// - A Shopify refund returns `transactions[]` (kind refund, not failed): that lowers a total
//   base. A subtotal base is lowered by the same money less the items' tax it returned
//   (`refund_line_items[].total_tax`) and the shipping it returned, with its tax
//   (`order_adjustments[]` of kind shipping_refund, or `refund_shipping_lines[]` in API 2024-10
//   and later), and the duties (`duties[]`), which the subtotal never held either. The same
//   holds in both kinds of store: a taxes-included refund carries the tax inside the items'
//   price, a taxes-excluded one on top of it.
// - Shopify Markets: the order's figures above are the shop's currency (`currency`), while a
//   refund's transactions are in the customer's (`presentment_currency`). Such a refund is priced
//   in the shop's currency from its money bags (the `shop_money` of `refund_line_items[]`'
//   `subtotal_set` and `total_tax_set`, of `order_adjustments[]`' `amount_set` and
//   `tax_amount_set`, of `refund_shipping_lines[]` and of `duties[]`) by the same rules: the money
//   returned is the items, their tax when it is on top of their price, shipping and duties, less
//   what the adjustments kept back; a subtotal base loses that less tax, shipping and duties.
//   The refund does not say whether its tax is on top: its `presentment_money` figures tell, as
//   the one reading of them that adds up to its successful transactions. When none does (money
//   still pending, a bag missing), the refund is not priced in the shop's currency at all.
#pragma once

#include "money/offer.hpp"
#include "money/sale_recorder.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkledger::money {

// An amount of a payload (a decimal in major units, as the shop sends it) with the field it came
// from, so that a bad one is a 400 naming that field.
struct order_amount {
    std::string field;
    std::string text;
};

// What a part of a Shopify refund was, for pricing it from its money bags.
enum class refund_part { items, items_tax, shipping, duties, adjustment };

// One money bag of a refund ({"shop_money": {"amount": "53.92", ...}, "presentment_money": {...}}):
// its amount in the shop's currency and in the customer's (empty when the bag has none). An
// adjustment's amount is signed: positive is money kept back (refund_discrepancy); shipping is
// written negative in an adjustment and only its size counts.
struct money_bag_figure {
    refund_part part = refund_part::items;
    std::string field; // "refund_line_items.subtotal_set"
    std::string shop;
    std::string presentment;
};

// Shopify refunds/create (or one entry of an order's `refunds`): the order id, the amounts of its
// successful refund transactions (decimals), the refund's own id, and what of that money was
// tax or shipping (never commissioned on a subtotal base).
struct shop_refund {
    shop_refund() = default;
    // Money alone, as the fuzz findings keep it: no id, no tax or shipping returned.
    shop_refund(std::string order_id, std::vector<std::string> refunded)
        : txid(std::move(order_id)), amounts(std::move(refunded))
    {
    }

    std::string txid;
    std::vector<std::string> amounts;
    std::string id;
    std::vector<order_amount> tax_and_shipping;
    std::string currency; // of the transactions, when they say
    // The refund's money bags, for pricing it in the shop's currency (Shopify Markets).
    std::vector<money_bag_figure> money_bags;
    std::string shop_currency;        // shop_money.currency_code of its bags, when they say
    std::string presentment_currency; // presentment_money.currency_code of its bags, when they say
    // A part given without its bag (an older payload), or bags naming two shop or two
    // presentment currencies: the bags cannot price the refund.
    bool money_bags_incomplete = false;
    // WooCommerce lists a refund by its gross amount alone, without the tax and shipping in it:
    // the part of it that was commissioned is then the order's own share (subtotal over total),
    // of all such refunds of the order together, rounded once (shop_refund_totals.hpp).
    bool share_of_order = false;
    // When the shop made the refund (Shopify's created_at, else processed_at), as the shop wrote
    // it: what the sale stood at then is the base a refund delivered late is taken off.
    std::string created_at;
};
std::optional<shop_refund> shopify_refund(boost::json::object const& refund);

struct shop_order {
    std::string txid;
    std::string total; // decimal, major units, before refunds
    order_amount subtotal;                      // where the subtotal base starts
    std::vector<order_amount> not_commissioned; // taken out of it (tax, shipping)
    std::vector<order_amount> added_back;       // put back (shipping tax already inside a tax total)
    std::string currency;
    std::string status; // pending, approved, rejected
    std::vector<std::string> codes; // its discount codes, in the order's order ("FREESHIP", "LEA10")
    std::string click_id;
    std::string occurred_at;
    std::vector<shop_refund> refunds; // those the order lists, each with an id
    bool test = false; // a store's test order (Shopify "test": true): sells nothing, never booked
    bool draft = false; // a WooCommerce checkout draft: a cart at the checkout, nobody paid, never booked
};

// Nothing when the payload is not an order (Shopify refunds/create is handled apart).
std::optional<shop_order> shopify_order(boost::json::object const& order);
std::optional<shop_order> woocommerce_order(boost::json::object const& order);
// The order a WooCommerce order.deleted delivery names ({"id": N}), as woocommerce_order reads an
// order's id; empty when it names none.
std::string woocommerce_deleted_order(boost::json::object const& body);

// The order's two possible commission bases in minor units of `currency`, before refunds. The
// subtotal is never below 0 nor above the total. Throws http_error 400 naming the field whose
// amount is not one in that currency.
struct order_bases {
    std::int64_t subtotal_minor = 0;
    std::int64_t total_minor = 0;
};
order_bases order_bases_minor(shop_order const& order, std::string_view currency);

// The order as a sale of offer `o` (whose currency applies when the order names none), its
// amount the base the offer pays on (`o.commission_base`), before refunds; `via` is "shopify" or
// "woocommerce". Throws http_error 400 as order_bases_minor does.
sale sale_from_shop_order(shop_order const& order, offer const& o, std::string_view via);

// What the refund's transactions add up to in minor units of `currency`. Throws http_error 400
// (field "amount") for an amount that is not one; a sum past any real sale is capped, not
// wrapped, so it can only ever refund the whole sale.
std::int64_t refund_total_minor(shop_refund const& refund, std::string_view currency);

// The refund against each base: all of its money for a total base, without the tax and shipping
// it returned for a subtotal base (never below 0). A refund that is a share of its order
// (`share_of_order`) takes the order's subtotal share of its money, rounded half to even, when
// the order's bases are given: its share alone (the sale takes the share of the order's refunds
// summed, shop_refund_totals.hpp). Throws http_error 400 naming the bad field.
struct refund_amounts {
    std::int64_t total_minor = 0;
    std::int64_t subtotal_minor = 0;
};
refund_amounts refund_amounts_minor(shop_refund const& refund, std::string_view currency,
                                    order_bases const* order = nullptr);

// A Shopify refund whose transactions are in another currency than the shop's, priced in the
// shop's from its money bags (see the header comment): `currency` is the shop's (the bags'
// shop_money currency, else `shop_currency`), `presented` the transactions'. Nothing when the
// refund has no bags, its transactions are in the shop's currency already (refund_amounts_minor
// prices it exactly, pending money and all), or its bags are incomplete or do not add up to the
// money it returned. Throws http_error 400 naming the bag whose amount is not one.
struct shop_currency_refund {
    std::string currency;
    std::string presented;
    refund_amounts amounts;
};
std::optional<shop_currency_refund> refund_in_shop_currency(shop_refund const& refund, std::string_view shop_currency);

} // namespace linkledger::money
