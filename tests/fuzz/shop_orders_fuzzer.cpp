// A Shopify or WooCommerce webhook body (after its signature checked out): parsed as the route
// does, mapped as an order of either shop and as a Shopify refund. Each must end in a sale, an
// "ignored" (nothing), or an http_error naming the field, never anything else.
#include "http/http_error.hpp"
#include "money/shop_orders.hpp"
#include "money_checks.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>

using namespace linkledger;
using fuzz::expect;
using fuzz::one_of;

namespace {

void book(std::optional<money::shop_order> const& order, std::string_view via)
{
    static money::offer const offer = fuzz::euro_offer();
    if (!order)
        return;
    expect(!order->txid.empty(), "an order has an id");
    expect(one_of(order->status, {"pending", "approved", "rejected"}), "an order status is one of three");
    try {
        auto const sale = money::sale_from_shop_order(*order, offer, via);
        fuzz::expect_bookable(sale);
        expect(sale.via == via, "the sale names its shop");
        fuzz::expect_amount_round_trip(order->total, sale.currency.empty() ? offer.currency : sale.currency);
    } catch (http::http_error const& e) {
        expect(e.status == http::status::bad_request && e.field == "total", "a bad order total is a 400 on total");
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
    if (auto const refund = money::shopify_refund(payload)) {
        expect(!refund->txid.empty() && !refund->amounts.empty(), "a refund names its order and amounts");
        try {
            expect(money::refund_total_minor(*refund, "EUR") >= 0, "a refund total is never negative");
        } catch (http::http_error const& e) {
            expect(e.status == http::status::bad_request && e.field == "amount", "a bad refund is a 400 on amount");
        }
    }
    return 0;
}
