// Which promo code, link and video a sale named by code is credited to, over real HTTP on the real
// database (probe 5): a shop order naming several discount codes is the creator's code's whatever
// its place among them (P5-6).
#include "instance.hpp"

#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <string>

using namespace linkledger::testing;

namespace {

class code_attribution : public shared_instance_test<code_attribution> {
public:
    static constexpr char const* k_label = "code_attribution";

protected:
    struct shop_offer {
        std::string id;
        std::string secret;
    };

    static std::string created_id(http_reply const& reply)
    {
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.status == 201 ? std::to_string(reply.json().at("id").as_int64()) : "0";
    }

    static shop_offer make_offer()
    {
        auto const reply = ll->api("POST", "/api/v1/offers",
                                   R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
        EXPECT_EQ(reply.status, 201) << reply.body;
        auto const o = reply.json().as_object();
        return {std::to_string(o.at("id").as_int64()), std::string(o.at("webhook_secret").as_string())};
    }

    static std::string make_video(std::string const& title)
    {
        return created_id(ll->api("POST", "/api/v1/videos",
                                  R"({"platform":"tiktok","title":")" + title + R"(","posted_at":"2026-11-20T18:00:00Z"})"));
    }

    static std::string signature(std::string const& secret, std::string const& body)
    {
        linkledger::crypto::hmac_sha256 mac(secret);
        return linkledger::crypto::base64(mac.mac(body));
    }

    static http_reply shopify_order(shop_offer const& offer, std::string const& body)
    {
        return send(ll->port(), {"POST", "/webhooks/shopify/" + offer.id, body,
                                 {{"X-Shopify-Hmac-Sha256", signature(offer.secret, body)},
                                  {"X-Shopify-Topic", "orders/create"}}});
    }

    static http_reply woocommerce_order(shop_offer const& offer, std::string const& body)
    {
        return send(ll->port(), {"POST", "/webhooks/woocommerce/" + offer.id, body,
                                 {{"X-WC-Webhook-Signature", signature(offer.secret, body)}}});
    }

    // "code attribution video_id link_id" of the offer's sale `txid`, "-" for none.
    static std::string credited(std::string const& offer_id, std::string const& txid)
    {
        return ll->db().query_value("SELECT coalesce(code, '-') || ' ' || attribution || ' ' || "
                                    "coalesce(video_id::text, '-') || ' ' || coalesce(link_id::text, '-') "
                                    "FROM conversions WHERE offer_id = " + offer_id + " AND txid = '" + txid + "'");
    }

    // "conversions revenue" of the row `key` of the revenue report by `group_by` over every date.
    static std::string report_row(std::string const& group_by, std::string const& key)
    {
        auto const reply =
            ll->api("GET", "/api/v1/reports/revenue?group_by=" + group_by + "&from=2000-01-01&to=2100-01-01");
        EXPECT_EQ(reply.status, 200) << reply.body;
        auto const report = reply.json();
        for (auto const& row : report.at("rows").as_array())
            if (row.at("key") == boost::json::value(key))
                return boost::json::serialize(row.at("conversions")) + " " +
                       boost::json::serialize(row.at("revenue_minor"));
        return "no row";
    }
};

TEST_F(code_attribution, a_shop_order_with_the_shops_code_before_the_creators_is_the_creators)
{
    auto const offer = make_offer();
    auto const video = make_video("Creator code video");
    auto const creator = created_id(ll->api("POST", "/api/v1/promo-codes", R"({"code":"CREATOR56","offer_id":)" +
                                                                               offer.id + R"(,"video_id":)" + video + "}"));
    auto const other = created_id(ll->api("POST", "/api/v1/promo-codes", R"({"code":"OTHER56","offer_id":)" + offer.id + "}"));

    auto const shopify = shopify_order(offer, R"({"id":5609002,"total_price":"100.00","currency":"EUR",
        "financial_status":"paid","created_at":"2026-11-24T10:00:00Z","discount_codes":[
        {"code":"FREESHIP","amount":"4.90","type":"shipping"},{"code":"CREATOR56","amount":"0.00","type":"percentage"}]})");
    ASSERT_EQ(shopify.status, 200) << shopify.body;
    EXPECT_EQ(credited(offer.id, "5609002"), "CREATOR56 code " + video + " -");

    auto const woo = woocommerce_order(offer, R"({"id":56728,"status":"completed","currency":"EUR","total":"100.00",
        "date_created_gmt":"2026-11-24T09:00:00","coupon_lines":[{"code":"freeship"},{"code":"creator56"}],"meta_data":[]})");
    ASSERT_EQ(woo.status, 200) << woo.body;
    EXPECT_EQ(credited(offer.id, "56728"), "CREATOR56 code " + video + " -");

    // Two codes of the offer: the one the order names first. None of the offer's: the first is
    // kept as the sale's code, as before.
    auto const both = shopify_order(offer, R"({"id":5609003,"total_price":"50.00","currency":"EUR",
        "financial_status":"paid","created_at":"2026-11-24T11:00:00Z","discount_codes":[
        {"code":"FREESHIP"},{"code":"OTHER56"},{"code":"CREATOR56"}]})");
    ASSERT_EQ(both.status, 200) << both.body;
    EXPECT_EQ(credited(offer.id, "5609003").substr(0, 12), "OTHER56 code");
    auto const none = shopify_order(offer, R"({"id":5609004,"total_price":"10.00","currency":"EUR",
        "financial_status":"paid","created_at":"2026-11-24T12:00:00Z","discount_codes":[
        {"code":"FREESHIP"},{"code":"WELCOME"}]})");
    ASSERT_EQ(none.status, 200) << none.body;
    EXPECT_EQ(credited(offer.id, "5609004"), "FREESHIP none - -");

    EXPECT_EQ(report_row("code", creator), "2 20000");
    EXPECT_EQ(report_row("code", other), "1 5000");
    EXPECT_EQ(report_row("video", video), "2 20000");
}

} // namespace
