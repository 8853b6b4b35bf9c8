// The commission bases of shop orders and what a refund takes off them, read from realistic
// webhook payloads (tests/fixtures/shop): a tax-excluded US store, a tax-included EU store, the
// HKD order of issue 15 and a UK WooCommerce store. No database: pure parsing.
#include "http/http_error.hpp"
#include "money/shop_orders.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

using namespace linkledger::money;

namespace {

boost::json::object fixture(std::string const& name)
{
    std::ifstream in(std::string(LINKLEDGER_FIXTURES) + "/shop/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::ostringstream text;
    text << in.rdbuf();
    return boost::json::parse(text.str()).as_object();
}

offer offer_on(std::string const& base, std::string const& currency)
{
    offer o;
    o.id = 1;
    o.currency = currency;
    o.commission = {"percent", 1000, std::nullopt};
    o.commission_base = base;
    return o;
}

} // namespace

TEST(shop_orders, the_hkd_order_of_issue_15_books_its_subtotal_after_discounts_without_shipping)
{
    auto const order = shopify_order(fixture("shopify_order_hkd_0124D.json"));
    ASSERT_TRUE(order.has_value());
    EXPECT_EQ(order->codes, std::vector<std::string>{"0124D"});
    auto const bases = order_bases_minor(*order, "HKD");
    EXPECT_EQ(bases.subtotal_minor, 16490);
    EXPECT_EQ(bases.total_minor, 18690);
    auto const sale = sale_from_shop_order(*order, offer_on("subtotal", "EUR"), "shopify");
    EXPECT_EQ(sale.amount_minor, 16490);
    EXPECT_EQ(sale.currency, "HKD");
    EXPECT_EQ(commission_for(offer_on("subtotal", "HKD").commission, sale.amount_minor, std::nullopt), 1649);
    EXPECT_EQ(sale_from_shop_order(*order, offer_on("total", "EUR"), "shopify").amount_minor, 18690);
}

TEST(shop_orders, a_tax_excluded_store_pays_on_the_subtotal_and_a_refund_returns_its_items_net_of_tax)
{
    auto const order = shopify_order(fixture("shopify_order_us_tax_excluded.json"));
    ASSERT_TRUE(order.has_value());
    auto const bases = order_bases_minor(*order, "USD");
    EXPECT_EQ(bases.subtotal_minor, 4500); // 50.00 - 5.00 discount; tax 3.26 and shipping 7.99 on top
    EXPECT_EQ(bases.total_minor, 5625);
    auto const refund = shopify_refund(fixture("shopify_refund_us_tax_excluded.json"));
    ASSERT_TRUE(refund.has_value());
    EXPECT_EQ(refund->id, "930000000101");
    EXPECT_EQ(refund->txid, order->txid);
    auto const amounts = refund_amounts_minor(*refund, "USD");
    EXPECT_EQ(amounts.total_minor, 2413);
    EXPECT_EQ(amounts.subtotal_minor, 2250); // 24.13 less the tee's tax 1.63
}

TEST(shop_orders, a_tax_included_store_takes_the_items_vat_out_but_not_the_shippings)
{
    auto const order = shopify_order(fixture("shopify_order_eu_tax_included.json"));
    ASSERT_TRUE(order.has_value());
    auto const bases = order_bases_minor(*order, "EUR");
    // 53.55 with 19 % VAT inside: 45.00 net. total_tax 9.33 also holds shipping's 0.78.
    EXPECT_EQ(bases.subtotal_minor, 4500);
    EXPECT_EQ(bases.total_minor, 5845);
    auto const refund = shopify_refund(fixture("shopify_refund_eu_tax_included.json"));
    ASSERT_TRUE(refund.has_value());
    auto const amounts = refund_amounts_minor(*refund, "EUR");
    EXPECT_EQ(amounts.total_minor, 5845);
    EXPECT_EQ(amounts.subtotal_minor, 4500); // 58.45 - VAT 8.55 - shipping 4.12 - its VAT 0.78
}

TEST(shop_orders, woocommerce_pays_on_total_less_shipping_and_tax)
{
    auto const order = woocommerce_order(fixture("woocommerce_order_uk.json"));
    ASSERT_TRUE(order.has_value());
    auto const bases = order_bases_minor(*order, "GBP");
    EXPECT_EQ(bases.subtotal_minor, 4500); // 60.00 - 5.00 shipping - 10.00 tax (items' and shipping's)
    EXPECT_EQ(bases.total_minor, 6000);
    EXPECT_EQ(order->click_id, "01JDZQ5C9M7R3K8T2V6W4X0Y1Z");
}

// WooCommerce keeps an order's original total and lists its refunds beside it, each a gross
// amount written negative: the commissioned part of each is the order's share of it.
TEST(shop_orders, a_woocommerce_refund_takes_the_orders_share_off_the_subtotal)
{
    auto payload = fixture("woocommerce_order_uk.json");
    payload["refunds"] = boost::json::parse(R"([{"id":4191,"reason":"","total":"-0.01"},
                                                {"id":4190,"reason":"Chipped cup","total":"-12.00"},
                                                {"reason":"no id: cannot be counted once","total":"-1.00"}])");
    auto const order = woocommerce_order(payload);
    ASSERT_TRUE(order.has_value());
    ASSERT_EQ(order->refunds.size(), 2u);
    auto const bases = order_bases_minor(*order, "GBP");
    EXPECT_EQ(bases.subtotal_minor, 4500); // the refunds do not change the order's own base

    auto const& chipped = order->refunds[1];
    EXPECT_EQ(chipped.id, "4190");
    EXPECT_EQ(chipped.txid, "4187");
    auto const amounts = refund_amounts_minor(chipped, "GBP", &bases);
    EXPECT_EQ(amounts.total_minor, 1200);
    EXPECT_EQ(amounts.subtotal_minor, 900); // 12.00 x 45.00 / 60.00

    // 0.01 x 45 / 60 = 0.75 of a penny: half to even gives 1.
    EXPECT_EQ(refund_amounts_minor(order->refunds[0], "GBP", &bases).subtotal_minor, 1);
    // Without the order's bases nothing is known of the tax in it: all of it counts.
    EXPECT_EQ(refund_amounts_minor(chipped, "GBP").subtotal_minor, 1200);
    order_bases const empty_order{0, 0};
    EXPECT_EQ(refund_amounts_minor(chipped, "GBP", &empty_order).subtotal_minor, 0);
}

// The base is the order before refunds; its current_* fields (after refunds) are read only when
// the original is missing, and the refunds an order lists are carried along with their ids.
TEST(shop_orders, an_updated_order_keeps_its_original_base_and_lists_its_refunds)
{
    auto const order = shopify_order(boost::json::parse(R"({"id":77,"currency":"EUR","financial_status":"partially_refunded",
        "subtotal_price":"100.00","current_subtotal_price":"90.00","total_price":"100.00","current_total_price":"90.00",
        "refunds":[{"id":501,"order_id":77,"transactions":[{"kind":"refund","status":"success","amount":"10.00"}]},
                   {"id":502,"order_id":77,"transactions":[{"kind":"refund","status":"failure","amount":"5.00"}]},
                   {"order_id":77,"transactions":[{"kind":"refund","status":"success","amount":"1.00"}]}]})")
                                          .as_object());
    ASSERT_TRUE(order.has_value());
    EXPECT_EQ(order->total, "100.00");
    EXPECT_EQ(order_bases_minor(*order, "EUR").subtotal_minor, 10000);
    ASSERT_EQ(order->refunds.size(), 1u); // a failed refund moves no money; one without an id is not countable
    EXPECT_EQ(order->refunds[0].id, "501");
    EXPECT_EQ(order->refunds[0].txid, "77");

    auto const current_only = shopify_order(boost::json::parse(
        R"({"id":78,"financial_status":"paid","current_subtotal_price":"90.00","current_total_price":"95.00"})")
                                                 .as_object());
    auto const bases = order_bases_minor(*current_only, "EUR");
    EXPECT_EQ(bases.subtotal_minor, 9000);
    EXPECT_EQ(bases.total_minor, 9500);
}

TEST(shop_orders, shipping_returned_in_refund_shipping_lines_is_not_taken_off_a_subtotal)
{
    auto const refund = shopify_refund(boost::json::parse(R"({"id":9,"order_id":5,
        "transactions":[{"kind":"refund","status":"success","amount":"30.00"}],
        "refund_line_items":[{"subtotal":"20.00","total_tax":"4.00"}],
        "refund_shipping_lines":[{"subtotal_amount_set":{"shop_money":{"amount":"5.00","currency_code":"EUR"}},
                                  "tax_amount_set":{"shop_money":{"amount":"1.00","currency_code":"EUR"}}}]})")
                                           .as_object());
    ASSERT_TRUE(refund.has_value());
    auto const amounts = refund_amounts_minor(*refund, "EUR");
    EXPECT_EQ(amounts.total_minor, 3000);
    EXPECT_EQ(amounts.subtotal_minor, 2000);
    // More tax and shipping than money returned: nothing below zero.
    auto odd = *refund;
    odd.tax_and_shipping.push_back({"refund_line_items.total_tax", "99.00"});
    EXPECT_EQ(refund_amounts_minor(odd, "EUR").subtotal_minor, 0);
}

TEST(shop_orders, a_bad_amount_is_blamed_on_its_own_field)
{
    auto order = *woocommerce_order(fixture("woocommerce_order_uk.json"));
    order.not_commissioned[0].text = "five";
    try {
        order_bases_minor(order, "GBP");
        FAIL() << "a bad shipping_total was accepted";
    } catch (linkledger::http::http_error const& e) {
        EXPECT_EQ(e.field, "shipping_total");
    }
    order = *woocommerce_order(fixture("woocommerce_order_uk.json"));
    order.total = "60.001";
    try {
        order_bases_minor(order, "GBP");
        FAIL() << "a total with three decimals in GBP was accepted";
    } catch (linkledger::http::http_error const& e) {
        EXPECT_EQ(e.field, "total");
    }
    // Tax and shipping above the total leave a subtotal of 0, not a negative sale.
    order = *woocommerce_order(fixture("woocommerce_order_uk.json"));
    order.not_commissioned[1].text = "100.00";
    EXPECT_EQ(order_bases_minor(order, "GBP").subtotal_minor, 0);
}

// Shopify writes a refund line's subtotal and total_tax as JSON numbers (41.67, not "41.67"):
// dropped, the tax was taken off the base as if it were price.
TEST(shop_orders, a_refund_line_s_tax_written_as_a_json_number_is_read_to_the_cent)
{
    auto const refund = shopify_refund(boost::json::parse(R"({"id":61102,"order_id":6102,
        "transactions":[{"kind":"refund","status":"success","amount":"50.00","currency":"EUR"}],
        "refund_line_items":[{"subtotal":41.67,"total_tax":8.33}]})")
                                           .as_object());
    ASSERT_TRUE(refund.has_value());
    auto const amounts = refund_amounts_minor(*refund, "EUR");
    EXPECT_EQ(amounts.total_minor, 5000);
    EXPECT_EQ(amounts.subtotal_minor, 4167);
}

// Shopify's financial statuses: an authorization that expired or was voided took no money and
// never will, so the sale is rejected (it stopped counting as pending commission); one still
// awaiting payment stays pending.
TEST(shop_orders, an_expired_or_voided_payment_rejects_the_sale)
{
    auto const with_status = [](std::string const& financial_status) {
        auto order = boost::json::parse(R"({"id":9901,"currency":"EUR","total_price":"10.00","subtotal_price":"10.00"})")
                         .as_object();
        order["financial_status"] = financial_status;
        return shopify_order(order)->status;
    };
    for (auto const* status : {"expired", "voided", "refunded"})
        EXPECT_EQ(with_status(status), "rejected") << status;
    for (auto const* status : {"pending", "authorized", "partially_paid"})
        EXPECT_EQ(with_status(status), "pending") << status;
    for (auto const* status : {"paid", "partially_refunded"})
        EXPECT_EQ(with_status(status), "approved") << status;
}

// Shopify marks the orders of its bogus gateway and of test payments "test": true.
TEST(shop_orders, a_shopify_test_order_is_marked_as_one)
{
    auto const order = [](std::string const& test) {
        return shopify_order(boost::json::parse(R"({"id":8801,)" + test +
                                                R"("gateway":"bogus","financial_status":"paid","total_price":"10.00"})")
                                 .as_object());
    };
    EXPECT_TRUE(order(R"("test":true,)")->test);
    EXPECT_FALSE(order(R"("test":false,)")->test);
    EXPECT_FALSE(order("")->test);
}

// Shopify Markets: a EUR shop sells to a US customer in USD. The order's figures are the shop's
// (EUR); the refund's transactions are the customer's (USD), and its money bags say what it was
// in both. One shirt (53.92 EUR, 3.24 EUR tax on top) and the shipping (11.06 EUR) went back.
TEST(shop_orders, a_markets_refund_is_priced_in_the_shops_currency_from_its_money_bags)
{
    auto const order = shopify_order(fixture("shopify_order_eur_shop_usd_presentment.json"));
    ASSERT_TRUE(order.has_value());
    EXPECT_EQ(order->currency, "EUR");
    auto const bases = order_bases_minor(*order, "EUR");
    EXPECT_EQ(bases.subtotal_minor, 7715);
    EXPECT_EQ(bases.total_minor, 9284);
    auto const refund = shopify_refund(fixture("shopify_refund_eur_shop_usd_presentment.json"));
    ASSERT_TRUE(refund.has_value());
    EXPECT_EQ(refund->currency, "USD");
    auto const priced = refund_in_shop_currency(*refund, "EUR");
    ASSERT_TRUE(priced.has_value());
    EXPECT_EQ(priced->currency, "EUR");
    EXPECT_EQ(priced->presented, "USD");
    EXPECT_EQ(priced->amounts.total_minor, 6822);    // 53.92 + 3.24 + 11.06
    EXPECT_EQ(priced->amounts.subtotal_minor, 5392); // the shirt, without its tax and the shipping
    // Without the bags' currency codes the sale's currency is the shop's.
    auto unnamed = *refund;
    unnamed.shop_currency.clear();
    unnamed.presentment_currency.clear();
    EXPECT_EQ(refund_in_shop_currency(unnamed, "EUR")->amounts.total_minor, 6822);
}

namespace {

// A EUR shop selling in GBP with VAT inside its prices: 50.00 EUR (43.00 GBP) of goods, 8.33 EUR
// (7.17 GBP) of it VAT, and the shipping returned as an order adjustment (4.12 + 0.78 EUR VAT).
std::string gbp_refund(std::string const& transactions, std::string const& more_adjustments = "")
{
    return R"({"id":61201,"order_id":6201,"transactions":)" + transactions + R"(,
        "refund_line_items":[{"subtotal":50.00,"total_tax":8.33,
            "subtotal_set":{"shop_money":{"amount":"50.00","currency_code":"EUR"},
                            "presentment_money":{"amount":"43.00","currency_code":"GBP"}},
            "total_tax_set":{"shop_money":{"amount":"8.33","currency_code":"EUR"},
                             "presentment_money":{"amount":"7.17","currency_code":"GBP"}}}],
        "order_adjustments":[{"kind":"shipping_refund","amount":"-4.12","tax_amount":"-0.78",
            "amount_set":{"shop_money":{"amount":"-4.12","currency_code":"EUR"},
                          "presentment_money":{"amount":"-3.55","currency_code":"GBP"}},
            "tax_amount_set":{"shop_money":{"amount":"-0.78","currency_code":"EUR"},
                              "presentment_money":{"amount":"-0.67","currency_code":"GBP"}}})" +
           more_adjustments + "]}";
}

std::string gbp_paid(std::string const& amount)
{
    return R"([{"kind":"refund","status":"success","amount":")" + amount + R"(","currency":"GBP"}])";
}

} // namespace

// The refund does not say whether its tax was inside its items' price: the one reading of its
// presentment figures that adds up to the money returned tells. A discrepancy kept back comes off
// the commissioned part, as it does when the money is counted in the sale's own currency.
TEST(shop_orders, a_markets_refund_with_tax_inside_its_prices_and_a_discrepancy_kept_back)
{
    // 43.00 + 3.55 + 0.67 GBP went back: the VAT was inside the 43.00.
    auto const refund = shopify_refund(boost::json::parse(gbp_refund(gbp_paid("47.22"))).as_object());
    ASSERT_TRUE(refund.has_value());
    auto const priced = refund_in_shop_currency(*refund, "EUR");
    ASSERT_TRUE(priced.has_value());
    EXPECT_EQ(priced->amounts.total_minor, 5490);    // 50.00 + 4.12 + 0.78
    EXPECT_EQ(priced->amounts.subtotal_minor, 4167); // 50.00 - 8.33

    // 1.72 GBP (2.00 EUR) of it kept back by the merchant.
    auto const kept_back = shopify_refund(boost::json::parse(gbp_refund(gbp_paid("45.50"), R"(,
        {"kind":"refund_discrepancy","amount":"2.00","tax_amount":"0.00",
         "amount_set":{"shop_money":{"amount":"2.00","currency_code":"EUR"},
                       "presentment_money":{"amount":"1.72","currency_code":"GBP"}},
         "tax_amount_set":{"shop_money":{"amount":"0.00","currency_code":"EUR"},
                           "presentment_money":{"amount":"0.00","currency_code":"GBP"}}})"))
                                             .as_object());
    auto const less = refund_in_shop_currency(*kept_back, "EUR");
    ASSERT_TRUE(less.has_value());
    EXPECT_EQ(less->amounts.total_minor, 5290);
    EXPECT_EQ(less->amounts.subtotal_minor, 3967);
}

TEST(shop_orders, duties_returned_by_a_markets_refund_lower_its_total_but_not_its_subtotal)
{
    auto const refund = shopify_refund(boost::json::parse(R"({"id":61301,"order_id":6301,
        "transactions":[{"kind":"refund","status":"success","amount":"65.00","currency":"CAD"}],
        "refund_line_items":[{"subtotal":40.00,"total_tax":0.00,
            "subtotal_set":{"shop_money":{"amount":"40.00","currency_code":"EUR"},
                            "presentment_money":{"amount":"60.00","currency_code":"CAD"}},
            "total_tax_set":{"shop_money":{"amount":"0.00","currency_code":"EUR"},
                             "presentment_money":{"amount":"0.00","currency_code":"CAD"}}}],
        "duties":[{"duty_id":77,"amount_set":{"shop_money":{"amount":"3.33","currency_code":"EUR"},
                                             "presentment_money":{"amount":"5.00","currency_code":"CAD"}}}],
        "total_duties_set":{"shop_money":{"amount":"3.33","currency_code":"EUR"},
                            "presentment_money":{"amount":"5.00","currency_code":"CAD"}}})")
                                           .as_object());
    ASSERT_TRUE(refund.has_value());
    auto const priced = refund_in_shop_currency(*refund, "EUR");
    ASSERT_TRUE(priced.has_value());
    EXPECT_EQ(priced->amounts.total_minor, 4333); // duties counted once, from duties[]
    EXPECT_EQ(priced->amounts.subtotal_minor, 4000);
}

// When the bags cannot price the refund it is left to the transactions' own currency (kept, not
// taken off a sale in another): they are missing, do not add up to the money returned, or the
// transactions are in the shop's currency already (priced exactly by refund_amounts_minor).
TEST(shop_orders, a_refund_its_money_bags_cannot_price_is_not_priced_in_the_shops_currency)
{
    // Part of the money still pending: 40.00 of 47.22 GBP returned.
    auto const pending = shopify_refund(boost::json::parse(gbp_refund(
        R"([{"kind":"refund","status":"success","amount":"40.00","currency":"GBP"},
            {"kind":"refund","status":"pending","amount":"7.22","currency":"GBP"}])")).as_object());
    ASSERT_TRUE(pending.has_value());
    EXPECT_FALSE(refund_in_shop_currency(*pending, "EUR").has_value());

    // A line's tax given without its bag (an older payload).
    auto payload = boost::json::parse(gbp_refund(gbp_paid("47.22"))).as_object();
    payload["refund_line_items"].as_array()[0].as_object().erase("total_tax_set");
    EXPECT_FALSE(refund_in_shop_currency(*shopify_refund(payload), "EUR").has_value());

    // No bags at all, and bags in the transactions' currency.
    auto const plain = shopify_refund(boost::json::parse(R"({"id":1,"order_id":2,
        "transactions":[{"kind":"refund","status":"success","amount":"10.00","currency":"USD"}]})").as_object());
    EXPECT_FALSE(refund_in_shop_currency(*plain, "EUR").has_value());
    auto const same = shopify_refund(fixture("shopify_refund_us_tax_excluded.json"));
    EXPECT_FALSE(refund_in_shop_currency(*same, "USD").has_value());
    auto const same_eu = shopify_refund(fixture("shopify_refund_eu_tax_included.json"));
    EXPECT_FALSE(refund_in_shop_currency(*same_eu, "EUR").has_value());
}

TEST(shop_orders, a_bad_amount_in_a_money_bag_is_blamed_on_that_bag)
{
    auto payload = boost::json::parse(gbp_refund(gbp_paid("47.22"))).as_object();
    payload["refund_line_items"].as_array()[0].as_object()["subtotal_set"].as_object()["shop_money"].as_object()["amount"] =
        "50.001";
    try {
        refund_in_shop_currency(*shopify_refund(payload), "EUR");
        FAIL() << "a shop amount with three decimals in EUR was accepted";
    } catch (linkledger::http::http_error const& e) {
        EXPECT_EQ(e.field, "refund_line_items.subtotal_set.shop_money.amount");
    }
    payload = boost::json::parse(gbp_refund(gbp_paid("47.22"))).as_object();
    payload["order_adjustments"].as_array()[0].as_object()["amount_set"].as_object()["presentment_money"].as_object()["amount"] =
        "lots";
    try {
        refund_in_shop_currency(*shopify_refund(payload), "EUR");
        FAIL() << "a presentment amount 'lots' was accepted";
    } catch (linkledger::http::http_error const& e) {
        EXPECT_EQ(e.field, "order_adjustments.amount_set.presentment_money.amount");
    }
}

// A shop selling abroad in its own currency returns the duties it charged: the money returned
// lowers a total base, but the subtotal never held the duties (Shopify's subtotal_price is
// before them), so they do not lower a subtotal base. They did, as if they were price.
TEST(shop_orders, duties_returned_in_the_shops_own_currency_are_not_taken_off_a_subtotal)
{
    auto const refund = shopify_refund(boost::json::parse(R"({"id":61401,"order_id":6401,
        "transactions":[{"kind":"refund","status":"success","amount":"65.00","currency":"EUR"}],
        "refund_line_items":[{"subtotal":"60.00","total_tax":"0.00",
            "subtotal_set":{"shop_money":{"amount":"60.00","currency_code":"EUR"}},
            "total_tax_set":{"shop_money":{"amount":"0.00","currency_code":"EUR"}}}],
        "duties":[{"duty_id":78,"amount_set":{"shop_money":{"amount":"5.00","currency_code":"EUR"}}}],
        "total_duties_set":{"shop_money":{"amount":"5.00","currency_code":"EUR"}}})")
                                           .as_object());
    ASSERT_TRUE(refund.has_value());
    auto const amounts = refund_amounts_minor(*refund, "EUR");
    EXPECT_EQ(amounts.total_minor, 6500);
    EXPECT_EQ(amounts.subtotal_minor, 6000); // once, from duties[]
    // Their sum alone says as much.
    auto payload = boost::json::parse(R"({"id":61402,"order_id":6401,
        "transactions":[{"kind":"refund","status":"success","amount":"5.00","currency":"EUR"}],
        "total_duties_set":{"shop_money":{"amount":"5.00","currency_code":"EUR"}}})")
                       .as_object();
    EXPECT_EQ(refund_amounts_minor(*shopify_refund(payload), "EUR").subtotal_minor, 0);
}
