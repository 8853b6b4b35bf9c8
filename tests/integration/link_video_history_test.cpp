// A creator points the one link in their bio at each new video. Clicks and the sales they
// bring belong to the video the link pointed at when the click was made, not the one it points
// at now: moving the link must not move the past (migration 0025). Clicks are journaled at
// chosen instants and shipped by the real server; the move is made through the API.
#include "instance.hpp"
#include "journal_clicks.hpp"
#include "link_moves.hpp"

#include <gtest/gtest.h>

using namespace linkledger::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

TEST(link_video_history, clicks_and_their_sales_stay_with_the_video_the_link_pointed_at_then)
{
    scratch_database db("link_video_history");
    auto const key = make_api_key(db);
    auto const first_video = db.query_value(
        "INSERT INTO videos (platform, url, title, posted_at) VALUES ('tiktok', 'https://www.tiktok.com/@me/video/7300000000000000001', "
        "'first', now() - interval '20 days') RETURNING id");
    auto const second_video = db.query_value(
        "INSERT INTO videos (platform, url, title, posted_at) VALUES ('tiktok', 'https://www.tiktok.com/@me/video/7300000000000000002', "
        "'second', now() - interval '3 days') RETURNING id");
    auto const link_id = std::stoll(db.query_value(
        "INSERT INTO links (slug, target_url, video_id) VALUES ('bio', 'https://shop.example/p', " + first_video +
        ") RETURNING id"));

    auto const now = system_clock::now();
    journal_dir const data_dir("link-video");
    {
        auto journal = data_dir.journal();
        // Two clicks while the link showed the first video (ten days and five days ago), one
        // yesterday and one a minute ago, after it moved on to the second (three days ago).
        ASSERT_TRUE(journal.append(journal_click("lvh1", link_id, time_point_cast<system_clock::duration>(now - days(10)), "203.0.113.1")));
        ASSERT_TRUE(journal.append(journal_click("lvh2", link_id, time_point_cast<system_clock::duration>(now - days(5)), "203.0.113.2")));
        ASSERT_TRUE(journal.append(journal_click("lvh3", link_id, time_point_cast<system_clock::duration>(now - days(1)), "203.0.113.3")));
        ASSERT_TRUE(journal.append(journal_click("lvh4", link_id, time_point_cast<system_clock::duration>(now - minutes(1)), "203.0.113.4")));
    }
    server_process server(db.url(), {}, data_dir.string());
    ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", "4", 30s), "4") << server.process().log();

    // The move, as the dashboard makes it; its instant is then set back three days, between
    // the second and the third click (a test cannot wait for days).
    auto const moved = move_link(server.port(), key, link_id, "{\"video_id\": " + second_video + "}");
    ASSERT_EQ(moved.status, 200) << moved.body;
    ASSERT_EQ(db.query_value("SELECT count(*) FROM link_videos WHERE link_id = " + std::to_string(link_id)), "2");
    date_moves(db, "now() - interval '3 days'");

    // Sales recorded today, each through its click: the old click's sale is the first video's.
    auto const offer = api(server.port(), "POST", "/api/v1/offers", key,
                           R"({"name": "shop", "commission": {"type": "percent", "rate_bps": 1000}, "currency": "EUR",
                               "attribution_window_days": 30})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const offer_id = std::to_string(offer.json().at("id").as_int64());
    auto const sale = [&](std::string const& click_id, int n) {
        auto const reply = api(server.port(), "POST", "/api/v1/conversions", key,
                               "{\"offer_id\": " + offer_id + ", \"amount_minor\": 10000, \"txid\": \"lvh-" +
                                   std::to_string(n) + "\", \"click_id\": \"" + click_id + "\"}");
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.json().at("video_id");
    };
    EXPECT_EQ(sale("lvh2", 1), boost::json::value(std::stoll(first_video)));
    EXPECT_EQ(sale("lvh3", 2), boost::json::value(std::stoll(second_video)));

    // Reports: clicks by video over the whole stretch, and each video's own views.
    auto const report = api(server.port(), "GET", "/api/v1/reports/revenue?group_by=video&tz=UTC&from=" +
                                                      db.query_value("SELECT to_char(now() - interval '15 days', 'YYYY-MM-DD')") +
                                                      "&to=" + db.query_value("SELECT to_char(now() + interval '1 day', 'YYYY-MM-DD')"),
                            key);
    ASSERT_EQ(report.status, 200) << report.body;
    auto const report_body = report.json();
    auto const by_video = sum_by_key(report_body.as_object());
    EXPECT_EQ(by_video.at(first_video), 2) << report.body;
    EXPECT_EQ(by_video.at(second_video), 2) << report.body;
    // A period after the move holds only the second video's clicks.
    auto const recent = api(server.port(), "GET", "/api/v1/reports/revenue?group_by=video&tz=UTC&from=" +
                                                      db.query_value("SELECT to_char(now() - interval '2 days', 'YYYY-MM-DD')") +
                                                      "&to=" + db.query_value("SELECT to_char(now() + interval '1 day', 'YYYY-MM-DD')"),
                            key);
    ASSERT_EQ(recent.status, 200) << recent.body;
    auto const recent_body = recent.json();
    auto recent_by_video = sum_by_key(recent_body.as_object());
    EXPECT_EQ(recent_by_video[first_video], 0) << recent.body;
    EXPECT_EQ(recent_by_video[second_video], 2) << recent.body;

    auto const daily_clicks = [&](std::string const& video) { return video_daily_clicks(server.port(), key, video, "tz=UTC"); };
    EXPECT_EQ(daily_clicks(first_video), 2);
    EXPECT_EQ(daily_clicks(second_video), 2);

    auto const breakdown = [&](std::string const& video) {
        auto const reply = api(server.port(), "GET", "/api/v1/reports/clicks?group_by=country&tz=UTC&video_id=" + video +
                                                         "&from=" + db.query_value("SELECT to_char(now() - interval '15 days', 'YYYY-MM-DD')"),
                               key);
        EXPECT_EQ(reply.status, 200) << reply.body;
        std::int64_t total = 0;
        auto const body = reply.json();
        for (auto const& row : body.at("rows").as_array())
            total += row.at("clicks").as_int64();
        return total;
    };
    EXPECT_EQ(breakdown(first_video), 2);
    EXPECT_EQ(breakdown(second_video), 2);
}
