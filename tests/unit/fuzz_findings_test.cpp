// Regression tests for what the fuzz targets (tests/fuzz) found in the money edge: each input
// here crashed or misread before its fix.
#include "http/http_error.hpp"
#include "links/smart_link.hpp"
#include "links/target_url.hpp"
#include "money/postback_params.hpp"
#include "money/shop_orders.hpp"
#include "money/video_stats_csv.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

#include <limits>

using namespace linkledger::money;
namespace http = linkledger::http;

namespace {

postback_parameters post(std::string_view target, std::string body)
{
    http::request req{http::verb::post, std::string(target), 11};
    req.body() = std::move(body);
    return postback_params(req, boost::urls::parse_origin_form(target).value());
}

} // namespace

// fuzz_postback: a form body starting with '#' is read as "?#...", an empty query and a
// fragment, which Boost.URL 1.81 iterates past its end (a segfault, before the token is checked).
TEST(fuzz_findings, a_postback_body_that_is_only_a_fragment_adds_no_parameter)
{
    EXPECT_EQ(post("/postback/1?txid=A1&amount=5", "#click_id=01JDZQ5C9M7R3K8T2V6W4X0Y1Z"),
              (postback_parameters{{"txid", "A1"}, {"amount", "5"}}));
    EXPECT_EQ(post("/postback/1?txid=A1", "#=/"), (postback_parameters{{"txid", "A1"}}));
    EXPECT_EQ(post("/postback/1?txid=A1", "amount=5#x"), (postback_parameters{{"txid", "A1"}, {"amount", "5"}}));
}

// fuzz_postback: a parameter without a name but with a long value gave a 400 naming no field.
TEST(fuzz_findings, a_long_parameter_without_a_name_names_where_it_was)
{
    try {
        post("/postback/1?=" + std::string(201, 'x'), "");
        FAIL() << "a 201-byte value must be refused";
    } catch (http::http_error const& e) {
        EXPECT_EQ(e.field, "query");
    }
    try {
        post("/postback/1", "txid=1&=" + std::string(201, 'x'));
        FAIL() << "a 201-byte value must be refused";
    } catch (http::http_error const& e) {
        EXPECT_EQ(e.field, "body");
    }
}

// The same Boost.URL bug through a Shopify order: the landing page URL is whatever the
// shopper's browser opened, so "/products/x?#..." crashed the server through a signed webhook.
TEST(fuzz_findings, a_shopify_landing_site_with_an_empty_query_and_a_fragment_has_no_click_id)
{
    auto const order = shopify_order(boost::json::parse(R"({"id":1,"total_price":"9.00","currency":"EUR",
        "financial_status":"paid","landing_site":"/products/x?#click_id=01JDZQ5C9M7R3K8T2V6W4X0Y1Z"})")
                                         .as_object());
    ASSERT_TRUE(order.has_value());
    EXPECT_EQ(order->click_id, "");
    auto const with_query = shopify_order(boost::json::parse(R"({"id":1,"total_price":"9.00",
        "landing_site":"/products/x?click_id=01JD#top"})")
                                              .as_object());
    EXPECT_EQ(with_query->click_id, "01JD");
}

// Found while writing fuzz_shop_orders (a refund of more than ~1,000 maximal amounts is past
// what a 4 KB fuzz input reaches): the sum of a refund's amounts wrapped around int64.
TEST(fuzz_findings, a_refund_total_is_capped_not_wrapped)
{
    shop_refund refund{"5", std::vector<std::string>(1100, "92233720368547.75")};
    EXPECT_EQ(refund_total_minor(refund, "EUR"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(refund_total_minor({"5", {"10.00", "2.50"}}, "EUR"), 1250);
    EXPECT_THROW(refund_total_minor({"5", {"ten"}}, "EUR"), http::http_error);
}

// fuzz_postback (be76ed0, corpus/postback/finding-sale-amount-alias): the property read only
// `amount` while the parser also takes its alias `sale_amount`; the sale was right, the check
// wrong. The amount of this input is the alias's 150.00, and an empty key changes nothing.
TEST(fuzz_findings, the_sale_amount_alias_is_the_amount)
{
    http::request req{http::verb::get, "/postback/1", 11};
    auto const target = boost::urls::parse_origin_form("/tsboo1kpe?=t&transaction_id=A9&sale_amount=150&commissio.=10");
    offer o;
    o.id = 1;
    o.currency = "EUR";
    o.commission = {"percent", 1000, std::nullopt};
    auto const sale = sale_from_postback(postback_params(req, target.value()), o);
    EXPECT_EQ(sale.txid, "A9");
    EXPECT_EQ(sale.amount_minor, 15000);
    EXPECT_FALSE(sale.reported_commission_minor.has_value()); // "commissio." is no alias
}

// fuzz_video_stats_csv: a day of the month past 255 ("2026-1-271") wrapped into
// std::chrono::day's one byte (271 -> 15) and was stored as 2026-01-15.
TEST(fuzz_findings, a_day_of_the_month_past_255_is_refused_not_wrapped)
{
    auto const latest = std::chrono::sys_days{std::chrono::year{2026} / std::chrono::December / 3};
    for (auto const* text : {"2026-1-271", "2026-13-01", "271/01/2026", "2026-01-32"})
        EXPECT_THROW(read_day(text, "date", true, latest), http::http_error) << text;
}

// fuzz.slug_url, 2026-12-02 (corpus/slug_url/finding-video-id-placeholder): the target accepts
// a {video_id} placeholder (issue 14), which the fuzzer's property filled with the click id's
// expansion alone, leaving "{video_id}" in a URL that no longer parsed. The redirect renders
// every placeholder: the Location is a URL.
TEST(fuzz_findings, every_placeholder_of_an_accepted_target_is_filled_in_the_location)
{
    std::string_view const target = "http://[2001:db8::1]:8080/{video_id}";
    ASSERT_FALSE(linkledger::links::target_url_problem(target));
    namespace links = linkledger::links;
    auto const location = links::render_target(links::compile_target(target),
                                               {"01JDZQ5C9M7R3K8T2V6W4X0Y1Z", "haul", "tiktok", "42", "FR"});
    EXPECT_EQ(location, "http://[2001:db8::1]:8080/42");
    EXPECT_TRUE(boost::urls::parse_uri(location).has_value());
}
