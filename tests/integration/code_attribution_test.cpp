// Which promo code, link and video a sale named by code is credited to, over real HTTP on the real
// database (probe 5): a shop order naming several discount codes is the creator's code's whatever
// its place among them (P5-6); a sale takes the code's link and video of the sale's time (P5-1).
#include "instance.hpp"
#include "migrations_before.hpp"

#include "clicks/click_id.hpp"
#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>
#include <utility>

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
    // A shop's own code no code of ours could be (longer than 64 bytes), named first: the order
    // was refused 400 and never booked; it is passed over.
    auto const long_first = shopify_order(offer, R"({"id":5609005,"total_price":"20.00","currency":"EUR",
        "financial_status":"paid","created_at":"2026-11-24T13:00:00Z","discount_codes":[
        {"code":")" + std::string(80, 'X') + R"("},{"code":"CREATOR56"}]})");
    ASSERT_EQ(long_first.status, 200) << long_first.body;
    EXPECT_EQ(credited(offer.id, "5609005"), "CREATOR56 code " + video + " -");

    EXPECT_EQ(report_row("code", creator), "3 22000");
    EXPECT_EQ(report_row("code", other), "1 5000");
    EXPECT_EQ(report_row("video", video), "3 22000");
}

// A code's link and its own video are the ones it had when the sale was made, not when the sale is
// reported (P5-1): a code moved to another link, or given another video, credited the sales made
// before (reported after, with their time) to the new link and video.
TEST_F(code_attribution, a_sale_made_before_its_code_moved_keeps_the_link_and_video_of_its_time)
{
    auto const offer = make_offer();
    auto const video_a = make_video("Link A video");
    auto const video_b = make_video("Link B video");
    auto const video_1 = make_video("Own video 1");
    auto const video_2 = make_video("Own video 2");
    auto const link_a = std::to_string(
        ll->create_link(R"({"target_url":"https://shop.example/a","slug":"p51-a","offer_id":)" + offer.id +
                        R"(,"video_id":)" + video_a + "}").at("id").as_int64());
    auto const link_b = std::to_string(
        ll->create_link(R"({"target_url":"https://shop.example/b","slug":"p51-b","offer_id":)" + offer.id +
                        R"(,"video_id":)" + video_b + "}").at("id").as_int64());
    auto const moved = created_id(ll->api("POST", "/api/v1/promo-codes", R"({"code":"MOVED51","offer_id":)" + offer.id +
                                                                             R"(,"link_id":)" + link_a + "}"));
    auto const own = created_id(ll->api("POST", "/api/v1/promo-codes", R"({"code":"OWN51","offer_id":)" + offer.id +
                                                                           R"(,"video_id":)" + video_1 + "}"));
    auto const late = created_id(ll->api("POST", "/api/v1/promo-codes", R"({"code":"LATE51","offer_id":)" + offer.id +
                                                                            R"(,"link_id":)" + link_a + "}"));
    for (auto const& [code, change] : {std::pair{moved, R"({"link_id":)" + link_b + "}"},
                                       std::pair{own, R"({"video_id":)" + video_2 + "}"},
                                       std::pair{late, R"({"link_id":)" + link_b + "}"}}) {
        auto const patched = ll->api("PATCH", "/api/v1/promo-codes/" + code, change);
        ASSERT_EQ(patched.status, 200) << patched.body;
    }
    // Created ten days ago and changed yesterday (the history's times, which the server stamps now).
    auto& db = ll->db();
    for (auto const* table : {"code_links", "code_videos"}) {
        db.execute(std::string("UPDATE ") + table + " SET since = now() - interval '10 days' WHERE since = "
                   "(SELECT min(since) FROM " + table + " h WHERE h.code_id = " + table + ".code_id) "
                   "AND since > '-infinity' AND code_id IN (" + moved + ", " + own + ")");
        db.execute(std::string("UPDATE ") + table + " SET since = now() - interval '1 day' WHERE since > now() - "
                   "interval '1 hour' AND code_id IN (" + moved + ", " + own + ")");
    }
    ASSERT_EQ(db.query_value("SELECT count(*) FROM code_links WHERE code_id = " + moved), "2");
    ASSERT_EQ(db.query_value("SELECT count(*) FROM code_videos WHERE code_id = " + own), "2");

    auto const at = [&](std::string const& ago) {
        return db.query_value("SELECT to_char((now() - interval '" + ago +
                              "') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    };
    auto const sale = [&](std::string const& txid, std::string const& code, std::string const& when) {
        auto const reply = ll->api("POST", "/api/v1/conversions",
                                   R"({"offer_id":)" + offer.id + R"(,"txid":")" + txid +
                                       R"(","amount_minor":10000,"code":")" + code + R"(","occurred_at":")" + when + "\"}");
        EXPECT_EQ(reply.status, 201) << reply.body;
    };
    // Made three days ago, before the changes, reported now.
    sale("P51-1", "MOVED51", at("3 days"));
    sale("P51-2", "OWN51", at("3 days"));
    // Made before LATE51 was typed in here (its history starts at its creation): the link it was
    // created with.
    sale("P51-3", "LATE51", at("3 days"));
    // Made after the changes.
    sale("P51-4", "MOVED51", at("1 hour"));
    sale("P51-5", "OWN51", at("1 hour"));
    EXPECT_EQ(credited(offer.id, "P51-1"), "MOVED51 code " + video_a + " " + link_a);
    EXPECT_EQ(credited(offer.id, "P51-2"), "OWN51 code " + video_1 + " -");
    EXPECT_EQ(credited(offer.id, "P51-3"), "LATE51 code " + video_a + " " + link_a);
    EXPECT_EQ(credited(offer.id, "P51-4"), "MOVED51 code " + video_b + " " + link_b);
    EXPECT_EQ(credited(offer.id, "P51-5"), "OWN51 code " + video_2 + " -");

    EXPECT_EQ(report_row("link", link_a), "2 20000");
    EXPECT_EQ(report_row("link", link_b), "1 10000");
    for (auto const& video : {video_a, video_b, video_1, video_2})
        EXPECT_EQ(report_row("video", video), video == video_a ? "2 20000" : "1 10000") << video;
}

// Migration 0041 on a database with codes, with a video and without: which video a code had before
// is not known, so its video at the upgrade counts from the beginning; a change afterwards is
// recorded from its moment, and a new code's video from the beginning.
TEST(code_video_history_migration, a_codes_video_at_the_upgrade_counts_from_the_beginning)
{
    scratch_database db("code_video_migration");
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, migrations_before(41));
    db.execute("INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret) "
               "VALUES ('Shop', 'EUR', 'percent', 1000, decode(repeat('00', 32), 'hex'), 's');"
               "INSERT INTO videos (platform, title, posted_at) VALUES ('tiktok', 'One', now()), "
               "('tiktok', 'Two', now());"
               "INSERT INTO promo_codes (code, offer_id, video_id) SELECT 'VID10', id, (SELECT min(id) FROM videos) "
               "FROM offers;"
               "INSERT INTO promo_codes (code, offer_id) SELECT 'BARE10', id FROM offers");
    linkledger::db::migrate(conn, linkledger::db::embedded_migrations());
    auto const history = [&] {
        return db.query_value("SELECT string_agg(p.code || ':' || coalesce(v.title, '-') || ':' || (h.since > '-infinity'), "
                              "',' ORDER BY p.code, h.since) FROM code_videos h JOIN promo_codes p ON p.id = h.code_id "
                              "LEFT JOIN videos v ON v.id = h.video_id");
    };
    EXPECT_EQ(history(), "BARE10:-:false,VID10:One:false");
    db.execute("UPDATE promo_codes SET video_id = (SELECT max(id) FROM videos) WHERE code = 'VID10'");
    db.execute("UPDATE promo_codes SET video_id = video_id"); // no change, nothing recorded
    db.execute("INSERT INTO promo_codes (code, offer_id, video_id) SELECT 'NEW10', id, (SELECT min(id) FROM videos) "
               "FROM offers");
    EXPECT_EQ(history(), "BARE10:-:false,NEW10:One:false,VID10:One:false,VID10:Two:true");
    EXPECT_EQ(db.query_value("SELECT v.title FROM promo_codes p JOIN videos v ON v.id = "
                             "linkledger_code_video_at(p.id, '2000-01-01') WHERE p.code = 'VID10'"),
              "One");
}

// A click that came first keeps the sale's attribution; the sale still counts for the creator's
// code named after the shop's own, as a merchant's coupon report counts it.
TEST_F(code_attribution, a_clicked_shop_order_with_several_codes_counts_for_the_creators_code)
{
    auto const offer = make_offer();
    auto const video = make_video("Clicked order video");
    auto const link = std::to_string(
        ll->create_link(R"({"target_url":"https://shop.example/c?subid={click_id}","slug":"p56-click","offer_id":)" +
                        offer.id + R"(,"video_id":)" + video + "}").at("id").as_int64());
    auto const creator = created_id(ll->api("POST", "/api/v1/promo-codes", R"({"code":"CLICKED56","offer_id":)" + offer.id + "}"));
    // A follower tapping the link inside TikTok: a real visitor, not a bot.
    auto const tap = send(ll->port(), {"GET", "/p56-click", "", {{"User-Agent",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/fr Region/FR"}}});
    ASSERT_EQ(tap.status, 302) << tap.body;
    auto const location = tap.header("Location");
    auto const click_id = location.substr(location.find("subid=") + 6);
    ll->db().wait_for_value("SELECT count(*) FROM clicks WHERE click_id = '" + click_id + "'", "1");

    auto const order = shopify_order(offer, R"({"id":5609101,"total_price":"30.00","currency":"EUR",
        "financial_status":"paid","note_attributes":[{"name":"click_id","value":")" + click_id + R"("}],
        "discount_codes":[{"code":"FREESHIP"},{"code":"clicked56"}]})");
    ASSERT_EQ(order.status, 200) << order.body;
    EXPECT_EQ(credited(offer.id, "5609101"), "CLICKED56 click " + video + " " + link);
    EXPECT_EQ(report_row("code", creator), "1 3000");
}

// A shop order naming its click (not stored yet, and never) and several codes waits for the
// click, then falls back to the code at the deadline: to the creator's code named after the
// shop's own, which it is kept under (kept under FREESHIP, the fallback found no code and the sale
// went to none).
TEST(code_attribution_deadline, a_shop_order_whose_click_never_comes_falls_back_to_the_creators_code)
{
    using namespace std::chrono_literals;
    instance ll("code_attribution_deadline", {{"LINKLEDGER_LATE_CLICK_SECONDS", "2"}});
    auto const made = ll.api("POST", "/api/v1/offers",
                             R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
    ASSERT_EQ(made.status, 201) << made.body;
    auto const offer = std::to_string(made.json().at("id").as_int64());
    auto const secret = std::string(made.json().at("webhook_secret").as_string());
    auto const video = ll.api("POST", "/api/v1/videos",
                              R"({"platform":"tiktok","title":"Code read out","posted_at":"2026-11-21T18:00:00Z"})");
    ASSERT_EQ(video.status, 201) << video.body;
    auto const video_id = std::to_string(video.json().at("id").as_int64());
    ASSERT_EQ(ll.api("POST", "/api/v1/promo-codes",
                     R"({"code":"WAITED56","offer_id":)" + offer + R"(,"video_id":)" + video_id + "}")
                  .status,
              201);
    std::string const body = R"({"id":5609201,"total_price":"40.00","currency":"EUR","financial_status":"paid",
        "note_attributes":[{"name":"click_id","value":")" + linkledger::clicks::new_click_id() + R"("}],
        "discount_codes":[{"code":"FREESHIP"},{"code":"waited56"}]})";
    linkledger::crypto::hmac_sha256 mac(secret);
    auto const order = send(ll.port(), {"POST", "/webhooks/shopify/" + offer, body,
                                        {{"X-Shopify-Hmac-Sha256", linkledger::crypto::base64(mac.mac(body))},
                                         {"X-Shopify-Topic", "orders/create"}}});
    ASSERT_EQ(order.status, 200) << order.body;
    // As booked (the answer: the sweep may have moved it since on a slow machine).
    auto const booked = order.json().at("conversion");
    EXPECT_EQ(std::string(booked.at("attribution").as_string()) + "/" + std::string(booked.at("code").as_string()),
              "pending/WAITED56")
        << order.body;
    auto const expected = "code/" + video_id + "/WAITED56";
    EXPECT_EQ(ll.db().wait_for_value("SELECT attribution || '/' || coalesce(video_id::text, '-') || '/' || code "
                                     "FROM conversions WHERE txid = '5609201'",
                                     expected, 15s),
              expected);
}

} // namespace
