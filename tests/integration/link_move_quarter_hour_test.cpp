// A link moved mid-way through a quarter-hour (to another video or offer): the reports read the
// clicks per quarter-hour and filed that whole quarter-hour under the old video, while the sale
// through a click made after the move went, by the click's own time, to the new one. The move's
// own quarter-hour is now read from the raw clicks (migration 0030), so the video's clicks and
// its sales agree in the revenue report, the video's daily page and its click breakdown, and
// the offer and code reports likewise.
#include "instance.hpp"
#include "journal_clicks.hpp"
#include "link_moves.hpp"

#include <gtest/gtest.h>

using namespace linkledger::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

TEST(link_move_quarter_hour, the_clicks_after_a_move_in_its_quarter_hour_go_where_their_sales_go)
{
    scratch_database db("link_move_quarter_hour");
    auto const key = make_api_key(db);
    auto const video = [&](std::string const& title) {
        return db.query_value("INSERT INTO videos (platform, url, title, posted_at) VALUES ('tiktok', 'https://www.tiktok.com/@me/video/" +
                              title + "', '" + title + "', now() - interval '20 days') RETURNING id");
    };
    auto const offer = [&](std::string const& name) {
        return db.query_value(
            "INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret) "
            "VALUES ('" + name + "', 'EUR', 'percent', 1000, sha256('" + name + "'), 'secret') RETURNING id");
    };
    auto const old_video = video("old");
    auto const new_video = video("new");
    auto const old_offer = offer("old");
    auto const new_offer = offer("new");
    auto const link_id = std::stoll(db.query_value("INSERT INTO links (slug, target_url, video_id, offer_id) VALUES ('bio', "
                                                   "'https://shop.example/p', " + old_video + ", " + old_offer + ") RETURNING id"));

    // A quarter-hour two days ago; the link moves half-way through it, 7 min 30 s in. One click
    // 2 minutes in, before the move, one 10 minutes in, after it.
    auto const quarter = floor<minutes>(system_clock::now() - days(2));
    auto const start = quarter - minutes(quarter.time_since_epoch().count() % 15);
    auto const move = start + seconds(450);
    journal_dir const data_dir("move-quarter");
    {
        auto journal = data_dir.journal();
        auto const at = [](auto t) { return time_point_cast<system_clock::duration>(t); };
        ASSERT_TRUE(journal.append(journal_click("lmq1", link_id, at(start + minutes(2)), "203.0.113.1")));
        ASSERT_TRUE(journal.append(journal_click("lmq2", link_id, at(start + minutes(10)), "203.0.113.2")));
    }
    server_process server(db.url(), {}, data_dir.string());
    ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", "2", 30s), "2") << server.process().log();

    // The move, as the dashboard makes it; its instant is then set back to the quarter-hour's middle.
    auto const moved = move_link(server.port(), key, link_id, "{\"video_id\": " + new_video + ", \"offer_id\": " + new_offer + "}");
    ASSERT_EQ(moved.status, 200) << moved.body;
    // A code given with the bio link goes to another link at the same moment.
    auto const other = db.query_value("INSERT INTO links (slug, target_url) VALUES ('other', 'https://shop.example/q') RETURNING id");
    auto const code = db.query_value("INSERT INTO promo_codes (code, offer_id, link_id) VALUES ('LEA10', " + old_offer + ", " +
                                     std::to_string(link_id) + ") RETURNING id");
    db.execute("UPDATE promo_codes SET link_id = " + other + " WHERE id = " + code);
    auto const move_at = "to_timestamp(" + std::to_string(duration_cast<seconds>(move.time_since_epoch()).count()) + ")";
    date_moves(db, move_at);
    // The code counts its links' clicks from its creation (migration 0032): it is set back to
    // before the first click.
    db.execute("UPDATE code_links SET since = now() - interval '20 days' WHERE code_id = " + code +
               " AND link_id = " + std::to_string(link_id));
    db.execute("UPDATE code_links SET since = " + move_at + " WHERE code_id = " + code + " AND link_id = " + other);

    // The sale through the later click is the new video's, by the click's time.
    auto const sale = api(server.port(), "POST", "/api/v1/conversions", key,
                          "{\"offer_id\": " + new_offer + ", \"amount_minor\": 10000, \"txid\": \"lmq-1\", \"click_id\": \"lmq2\"}");
    ASSERT_EQ(sale.status, 201) << sale.body;
    EXPECT_EQ(sale.json().at("video_id"), boost::json::value(std::stoll(new_video))) << sale.body;

    auto const date = [&](char const* shift) {
        return db.query_value(std::string("SELECT to_char(now() + interval '") + shift + "', 'YYYY-MM-DD')");
    };
    auto const period = "&tz=Europe/Paris&from=" + date("-15 days") + "&to=" + date("1 day");
    auto const report = [&](char const* group_by) {
        auto const reply = api(server.port(), "GET", std::string("/api/v1/reports/revenue?group_by=") + group_by + period, key);
        EXPECT_EQ(reply.status, 200) << reply.body;
        return std::pair(reply.json(), reply.body);
    };
    auto const [by_video, by_video_body] = report("video");
    auto clicks = sum_by_key(by_video.as_object());
    EXPECT_EQ(clicks[old_video], 1) << by_video_body;
    EXPECT_EQ(clicks[new_video], 1) << by_video_body;
    auto uniques = sum_by_key(by_video.as_object(), "unique_clicks");
    EXPECT_EQ(uniques[old_video], 1) << by_video_body;
    EXPECT_EQ(uniques[new_video], 1) << by_video_body;
    auto const [by_offer, by_offer_body] = report("offer");
    clicks = sum_by_key(by_offer.as_object());
    EXPECT_EQ(clicks[old_offer], 1) << by_offer_body;
    EXPECT_EQ(clicks[new_offer], 1) << by_offer_body;

    auto const [by_code, by_code_body] = report("code");
    clicks = sum_by_key(by_code.as_object());
    EXPECT_EQ(clicks[code], 1) << by_code_body; // the bio link's click before the move

    auto const daily_clicks = [&](std::string const& video_id) {
        return video_daily_clicks(server.port(), key, video_id, "tz=Europe/Paris&from=" + date("-15 days") + "&to=" + date("1 day"));
    };
    EXPECT_EQ(daily_clicks(old_video), 1);
    EXPECT_EQ(daily_clicks(new_video), 1);

    auto const by_source = [&](std::string const& video_id) {
        auto const reply = api(server.port(), "GET", "/api/v1/reports/clicks?group_by=source&video_id=" + video_id + period, key);
        EXPECT_EQ(reply.status, 200) << reply.body;
        return reply.json().at("clicks").as_int64();
    };
    EXPECT_EQ(by_source(old_video), 1);
    EXPECT_EQ(by_source(new_video), 1);
}
