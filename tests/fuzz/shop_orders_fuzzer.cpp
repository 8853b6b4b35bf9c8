// A Shopify or WooCommerce webhook body (after its signature checked out): parsed as the route
// does, mapped as an order of either shop and as a Shopify refund. Each must end in a sale, an
// "ignored" (nothing), or an http_error naming the field, never anything else. A subtotal base is
// never below 0 nor above the total; what a refund takes off a subtotal never exceeds its money,
// whether counted in its transactions' currency or priced in the shop's from its money bags.
#include "http/http_error.hpp"
#include "money/shop_orders.hpp"
#include "money_checks.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>

using namespace linkledger;
using fuzz::expect;
using fuzz::one_of;

namespace {

// A bad amount is a 400 on the field it came from (order_amount.field), never elsewhere.
bool names_an_amount_field(std::string const& field, money::shop_order const& order)
{
    if (field == "total" || field == order.subtotal.field)
        return true;
    for (auto const* parts : {&order.not_commissioned, &order.added_back})
        for (auto const& part : *parts)
            if (part.field == field)
                return true;
    return false;
}

void check_refund(money::shop_refund const& refund, std::string_view currency,
                  money::order_bases const* order = nullptr)
{
    expect(!refund.txid.empty() && !refund.amounts.empty(), "a refund names its order and amounts");
    try {
        auto const amounts = money::refund_amounts_minor(refund, currency, order);
        expect(amounts.total_minor >= 0, "a refund total is never negative");
        expect(amounts.subtotal_minor >= 0 && amounts.subtotal_minor <= amounts.total_minor,
               "a refund's subtotal part is within its money");
    } catch (http::http_error const& e) {
        bool named = e.field == "amount";
        for (auto const& part : refund.tax_and_shipping)
            named = named || part.field == e.field;
        expect(e.status == http::status::bad_request && named, "a bad refund is a 400 on its own field");
    }
    // Priced from its money bags (Shopify Markets): the same bounds, and a 400 names a bag.
    try {
        if (auto const in_shop = money::refund_in_shop_currency(refund, currency)) {
            expect(in_shop->currency != in_shop->presented, "a refund priced in the shop's currency was paid in another");
            expect(in_shop->amounts.total_minor >= 0, "a refund total is never negative");
            expect(in_shop->amounts.subtotal_minor >= 0 && in_shop->amounts.subtotal_minor <= in_shop->amounts.total_minor,
                   "a refund's subtotal part is within its money");
        }
    } catch (http::http_error const& e) {
        bool named = e.field == "amount";
        for (auto const& bag : refund.money_bags)
            named = named || e.field == bag.field + ".shop_money.amount" || e.field == bag.field + ".presentment_money.amount";
        expect(e.status == http::status::bad_request && named, "a bad money bag is a 400 on its own field");
    }
}

void book(std::optional<money::shop_order> const& order, std::string_view via)
{
    static money::offer const offer = fuzz::euro_offer();
    static money::offer const total_offer = [] {
        auto o = fuzz::euro_offer();
        o.commission_base = "total";
        return o;
    }();
    if (!order)
        return;
    expect(!order->txid.empty(), "an order has an id");
    expect(one_of(order->status, {"pending", "approved", "rejected"}), "an order status is one of three");
    auto const currency = order->currency.empty() ? offer.currency : order->currency;
    try {
        auto const sale = money::sale_from_shop_order(*order, offer, via);
        fuzz::expect_bookable(sale);
        expect(sale.via == via, "the sale names its shop");
        fuzz::expect_amount_round_trip(order->total, currency);
        auto const bases = money::order_bases_minor(*order, currency);
        expect(bases.subtotal_minor >= 0 && bases.subtotal_minor <= bases.total_minor,
               "a subtotal base is within the order total");
        expect(sale.amount_minor == bases.subtotal_minor, "a subtotal offer books the subtotal");
        expect(money::sale_from_shop_order(*order, total_offer, via).amount_minor == bases.total_minor,
               "a total offer books the total");
    } catch (http::http_error const& e) {
        expect(e.status == http::status::bad_request && names_an_amount_field(e.field, *order),
               "a bad order amount is a 400 on its own field");
    }
    std::optional<money::order_bases> bases;
    try {
        bases = money::order_bases_minor(*order, currency);
    } catch (http::http_error const&) {
        // checked above
    }
    for (auto const& refund : order->refunds) {
        expect(!refund.id.empty() && refund.txid == order->txid, "an order's refunds have ids and are its own");
        if (money::currency_exponent(currency)) {
            check_refund(refund, currency);
            if (bases)
                check_refund(refund, currency, &*bases); // a WooCommerce refund's share of its order
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    boost::system::error_code ec;
    auto const parsed = boost::json::parse(std::string_view(reinterpret_cast<char const*>(data), size), ec);
    if (ec || !parsed.is_object())
        return 0; // the route answers "ignored": WooCommerce's first ping is not JSON
    auto const& payload = parsed.as_object();
    book(money::shopify_order(payload), "shopify");
    book(money::woocommerce_order(payload), "woocommerce");
    if (auto const refund = money::shopify_refund(payload))
        check_refund(*refund, "EUR");
    return 0;
}
