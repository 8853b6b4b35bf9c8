#include "http/http_error.hpp"
#include "money/postback_params.hpp"

#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

using namespace linkledger::money;
namespace http = linkledger::http;

namespace {

postback_parameters params_of(std::string_view target, std::string body = {})
{
    http::request req{body.empty() ? http::verb::get : http::verb::post, std::string(target), 11};
    req.body() = std::move(body);
    return postback_params(req, boost::urls::parse_origin_form(target).value());
}

offer euro_offer()
{
    offer o;
    o.id = 1;
    o.currency = "EUR";
    o.commission.type = "reported";
    return o;
}

std::string field_refused(std::string_view target, std::string body = {})
{
    try {
        sale_from_postback(params_of(target, std::move(body)), euro_offer());
    } catch (http::http_error const& e) {
        return e.field;
    }
    return "(accepted)";
}

} // namespace

TEST(postback_params, the_usual_network_names_are_read_as_ours)
{
    auto const s = sale_from_postback(
        params_of("/postback/1?order_id=ORD-7&sale_amount=19.99&payout=2.50&subid=01JDZQ5C9M7R3K8T2V6W4X0Y1Z"),
        euro_offer());
    EXPECT_EQ(s.txid, "ORD-7");
    EXPECT_EQ(s.amount_minor, 1999);
    EXPECT_EQ(s.reported_commission_minor, 250);
    EXPECT_EQ(s.click_id, "01JDZQ5C9M7R3K8T2V6W4X0Y1Z");
    for (auto const* name : {"click_id", "clickid", "subid", "sub_id", "aff_sub"})
        EXPECT_EQ(sale_from_postback(params_of(std::string("/postback/1?txid=1&amount=1&") + name + "=C1"), euro_offer())
                      .click_id,
                  "C1")
            << name;
}

TEST(postback_params, our_own_name_wins_over_an_alias)
{
    auto const s = sale_from_postback(params_of("/postback/1?transaction_id=T2&txid=T1&amount=1&subid=B&click_id=A"),
                                      euro_offer());
    EXPECT_EQ(s.txid, "T1");
    EXPECT_EQ(s.click_id, "A");
}

TEST(postback_params, a_bad_value_is_blamed_on_the_name_the_network_used)
{
    EXPECT_EQ(field_refused("/postback/1?txid=1&sale_amount=abc"), "sale_amount");
    EXPECT_EQ(field_refused("/postback/1?txid=1&amount=1&payout=-1"), "payout");
    EXPECT_EQ(field_refused("/postback/1?amount=1"), "txid");
    EXPECT_EQ(field_refused("/postback/1?txid=1"), "amount");
}

TEST(postback_params, json_bodies_have_the_same_limits_as_forms)
{
    EXPECT_EQ(field_refused("/postback/1", R"({"txid":"1","amount":"1","click_id":")" + std::string(201, 'x') + "\"}"),
              "click_id");
    EXPECT_EQ(field_refused("/postback/1", R"({")" + std::string(65, 'k') + R"(":"1","txid":"1","amount":"1"})"), "body");
    auto const s = sale_from_postback(params_of("/postback/1", R"({"txid":"J1","amount":12.5,"payout":1})"), euro_offer());
    EXPECT_EQ(s.amount_minor, 1250);
    EXPECT_EQ(s.reported_commission_minor, 100);
    // An order number as a JSON integer is kept digit for digit; one past 64 bits would come
    // through a double and lose digits, so it is refused rather than stored as another order.
    EXPECT_EQ(sale_from_postback(params_of("/postback/1", R"({"order_id":9007199254740993,"amount":"1"})"), euro_offer()).txid,
              "9007199254740993");
    EXPECT_EQ(field_refused("/postback/1", R"({"order_id":123456789012345678901234567890,"amount":"1"})"), "order_id");
    // A name twice in the body is no more silent than twice in a query; a fraction past a
    // double's 15 digits would be rounded, not refused for its decimals.
    EXPECT_EQ(field_refused("/postback/1", R"({"txid":"T2","amount":"1.00","amount":"1000.00"})"), "amount");
    EXPECT_EQ(field_refused("/postback/1", R"({"txid":"T5","amount":19.999999999999999})"), "amount");
    EXPECT_EQ(field_refused("/postback/1", R"({"txid":"T6","amount":"1.00","rate":0.33333333333333331})"), "(accepted)")
        << "a field we do not read may hold any number";
}

// A known parameter given as a JSON array, object or true/false is no value we can read: it was
// skipped, and the answer then said the parameter was missing ("txid is required").
TEST(postback_params, a_json_array_object_or_bool_for_a_known_parameter_is_refused_by_name)
{
    auto const refusal = [](std::string body) -> std::string {
        try {
            sale_from_postback(params_of("/postback/1", std::move(body)), euro_offer());
        } catch (http::http_error const& e) {
            return e.field + ": " + e.what();
        }
        return "(accepted)";
    };
    for (std::string const name : {"txid", "transaction_id", "order_id", "amount", "sale_amount", "commission", "payout",
                                   "currency", "status", "click_id", "clickid", "subid", "sub_id", "aff_sub", "code"}) {
        for (auto const* value : {R"(["a"])", R"({"a":1})", "true", "false", "[]"}) {
            // Beside the required parameters, but never the same name twice.
            std::string body = "{\"" + name + "\":" + value;
            if (name != "txid")
                body += R"(,"txid":"T1")";
            if (name != "amount")
                body += R"(,"amount":"1")";
            body += "}";
            EXPECT_EQ(refusal(body), name + ": " + name + " must be a JSON string or number") << body;
        }
    }
    // A null is an absent parameter, and names no network of ours reads are left alone.
    auto const s = sale_from_postback(
        params_of("/postback/1", R"({"txid":"N1","amount":"1","click_id":null,"items":[{"sku":"A"}],"test":true})"),
        euro_offer());
    EXPECT_EQ(s.txid, "N1");
    EXPECT_EQ(s.click_id, "");
}

TEST(postback_params, empty_pairs_left_by_a_network_template_are_harmless)
{
    auto const s = sale_from_postback(params_of("/postback/1?txid=E1&&amount=2.00&click_id=&"), euro_offer());
    EXPECT_EQ(s.txid, "E1");
    EXPECT_EQ(s.amount_minor, 200);
    EXPECT_EQ(s.click_id, "");
}

TEST(postback_params, cid_is_a_campaign_not_a_click)
{
    // Many networks send their campaign or company id as cid: reading it as a click id would
    // attribute the sale to a stranger's click.
    EXPECT_EQ(sale_from_postback(params_of("/postback/1?txid=1&amount=1&cid=77"), euro_offer()).click_id, "");
}

TEST(postback_params, a_parameter_given_twice_with_two_values_is_refused_by_name)
{
    EXPECT_EQ(field_refused("/postback/1?txid=A&amount=1.00&amount=1000.00"), "amount");
    EXPECT_EQ(field_refused("/postback/1", "txid=A&amount=1.00&amount=2.00"), "amount");
    // The same value twice, or a template's empty value beside a filled one, is no conflict.
    EXPECT_EQ(params_of("/postback/1?txid=A&txid=A&click_id=&click_id=X").at("click_id"), "X");
    EXPECT_EQ(params_of("/postback/1?click_id=X&click_id=").at("click_id"), "X");
    // The body may restate the query, not contradict it.
    EXPECT_EQ(params_of("/postback/1?amount=1.00", "amount=1.00").at("amount"), "1.00");
    EXPECT_EQ(field_refused("/postback/1?txid=A&amount=1.00", "amount=2.00"), "amount");
    EXPECT_EQ(field_refused("/postback/1?txid=Q1&amount=1", "txid=Q2"), "txid");
    EXPECT_EQ(field_refused("/postback/1?txid=Q1", R"({"txid":"Q2","amount":"1"})"), "txid");
    // Two names of one amount with two values: which one the network meant cannot be known.
    EXPECT_EQ(field_refused("/postback/1?txid=A&amount=1&sale_amount=1000"), "amount");
    EXPECT_EQ(field_refused("/postback/1?txid=A&amount=10&commission=1&payout=2"), "commission");
    EXPECT_EQ(sale_from_postback(params_of("/postback/1?txid=A&amount=1.00&sale_amount=1.00"), euro_offer()).amount_minor,
              100);
    // One figure written two ways, or a macro left unfilled beside a value, is no conflict.
    EXPECT_EQ(sale_from_postback(params_of("/postback/1?txid=A&amount=10&sale_amount=10.00"), euro_offer()).amount_minor,
              1000);
    EXPECT_EQ(sale_from_postback(params_of("/postback/1?txid=A&amount=19.90", R"({"amount":19.9})"), euro_offer())
                  .amount_minor,
              1990);
    EXPECT_EQ(params_of("/postback/1?status=%7Bstatus%7D", "status=approved").at("status"), "approved");
    EXPECT_EQ(params_of("/postback/1?status=approved", "status={status}").at("status"), "approved");
    // Ids compare as text: "0012" and "12" are two orders.
    EXPECT_EQ(field_refused("/postback/1?txid=0012&amount=1", "txid=12"), "txid");
}

TEST(postback_params, a_status_not_sent_or_left_as_a_macro_is_not_stated)
{
    auto const absent = sale_from_postback(params_of("/postback/1?txid=A&amount=1"), euro_offer());
    EXPECT_FALSE(absent.status.has_value());
    auto const params = params_of("/postback/1?txid=A&amount=1&status=%7Bstatus%7D&click_id=%7Bclick_id%7D");
    EXPECT_FALSE(sale_from_postback(params, euro_offer()).status.has_value());
    EXPECT_EQ(unfilled_macros(params), (std::vector<std::string>{"click_id", "status"}));
    EXPECT_EQ(sale_from_postback(params_of("/postback/1?txid=A&amount=1&status=1"), euro_offer()).status, "approved");
}

TEST(postback_params, a_status_without_an_amount_keeps_the_booked_sales_amount)
{
    // Absent, empty, blank or an unfilled macro: the network's status alone (a reversal, an
    // approval), which record_sale applies to the booked sale, its figures kept.
    for (auto const* target : {"/postback/1?txid=S1&status=rejected", "/postback/1?txid=S1&status=declined&amount=",
                               "/postback/1?txid=S1&status=rejected&amount=%20", "/postback/1?txid=S1&status=rejected&amount=%7Bamount%7D",
                               "/postback/1?txid=S1&status=rejected&sale_amount=%7Bsale_amount%7D&payout=%7Bpayout%7D"}) {
        auto const s = sale_from_postback(params_of(target), euro_offer());
        EXPECT_TRUE(s.keeps_booked_amount) << target;
        EXPECT_EQ(s.status, "rejected") << target;
        EXPECT_EQ(s.reported_commission_minor, std::nullopt) << target;
    }
    EXPECT_TRUE(sale_from_postback(params_of("/postback/1", R"({"txid":"S2","status":"approved"})"), euro_offer())
                    .keeps_booked_amount);
    // With an amount, the figure is the network's as ever.
    EXPECT_FALSE(sale_from_postback(params_of("/postback/1?txid=S1&status=rejected&amount=0"), euro_offer())
                     .keeps_booked_amount);
    // No status either says nothing; a commission without its amount belongs to no known figure.
    EXPECT_EQ(field_refused("/postback/1?txid=S1&amount=%7Bamount%7D&status=%7Bstatus%7D"), "amount");
    EXPECT_EQ(field_refused("/postback/1?txid=S1&status="), "amount");
    EXPECT_EQ(field_refused("/postback/1?txid=S1&status=approved&payout=1.00"), "amount");
    EXPECT_EQ(field_refused("/postback/1?txid=S1&status=maybe"), "status");
}
