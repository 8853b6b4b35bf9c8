// Click retention over the real server and PostgreSQL: a privacy promise (README, "Clicks").
// Clicks are written to the journal at chosen instants, old and recent, and shipped by a server
// that keeps everything; a restart with LINKLEDGER_CLICK_RETENTION_DAYS=30 must then drop the
// monthly partitions wholly past the 30 days (a month at a time: the month that holds the
// cutoff stays whole), forget the daily salts and unique-visitor markers older than yesterday,
// and keep every rollup, so the reports still count the old clicks.
#include "instance.hpp"
#include "journal_clicks.hpp"
#include "one_utc_day.hpp"

#include <gtest/gtest.h>


using namespace linkledger::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// clicks_YYYYMM
std::string partition_of(sys_days day)
{
    return "clicks_" + day_text(day).substr(0, 4) + day_text(day).substr(5, 2);
}

sys_days first_of(year_month month)
{
    return sys_days(month / 1);
}

// "day=clicks/conversions/revenue" per row of the report.
std::string rows(boost::json::object const& report)
{
    std::string out;
    for (auto const& row : report.at("rows").as_array()) {
        auto const& r = row.as_object();
        if (!out.empty())
            out += ' ';
        out.append(r.at("key").as_string()).append("=").append(std::to_string(r.at("clicks").as_int64()));
    }
    return out;
}

constexpr char const* k_rollup_sums =
    "SELECT (SELECT string_agg(day || ':' || clicks || '/' || unique_clicks || '/' || bot_hits, ' ' ORDER BY day)"
    "        FROM (SELECT day, sum(clicks) AS clicks, sum(unique_clicks) AS unique_clicks, sum(bot_hits) AS bot_hits"
    "              FROM click_rollups_daily GROUP BY day) d)"
    " || ' | ' || (SELECT string_agg(day || ':' || clicks || '/' || unique_clicks, ' ' ORDER BY day) FROM click_totals_daily)"
    " || ' | ' || (SELECT sum(clicks) || '/' || sum(unique_clicks) || '/' || sum(bot_hits) FROM click_totals_quarter_hourly)"
    " || ' | ' || (SELECT sum(clicks) || '/' || sum(unique_clicks) || '/' || sum(bot_hits) FROM click_rollups_quarter_hourly)";

} // namespace

TEST(click_retention, partitions_past_the_setting_are_dropped_salts_and_unique_markers_forgotten_rollups_kept)
{
    scratch_database db("retention");
    auto const key = make_api_key(db);
    auto const link_id = std::stoll(db.query_value(
        "INSERT INTO links (slug, target_url) VALUES ('kept', 'https://shop.example/p') RETURNING id"));

    // Today's clicks are placed up to a minute back: that minute must be today's too (the
    // guard every test gets only looks ahead).
    stay_in_one_utc_day(120s, 60s);
    // The instants, relative to today. With 30 days, the cutoff is 30 days ago: partitions of
    // the months before the cutoff's go; the cutoff's month stays, even its days older than 30.
    auto const now = system_clock::now();
    auto const today = floor<days>(now);
    year_month_day const cutoff{floor<days>(now - days(30))};
    auto const cutoff_month = cutoff.year() / cutoff.month();
    struct placed {
        sys_days day;
        bool kept;
    };
    std::vector<placed> const placed_days{
        {first_of(cutoff_month - months(2)), false},        // a whole month before the cutoff's
        {first_of(cutoff_month) - days(1), false},          // the last day before the cutoff's month
        {first_of(cutoff_month), true},                     // the cutoff's month: stays whole
        {today - days(1), true},                            // yesterday
        {today, true},                                      // today
    };
    journal_dir const data_dir("retention");
    {
        auto journal = data_dir.journal();
        int n = 0;
        for (auto const& p : placed_days) {
            // Two visitors a day, one of whom comes back: 3 clicks, 2 unique; and a bot.
            for (int visitor : {1, 2, 1, 0}) {
                ++n;
                // Midday, or a minute ago for today (never in the future).
                auto const at = p.day == today ? time_point_cast<system_clock::duration>(now - minutes(1) + seconds(n))
                                               : p.day + hours(12) + seconds(n);
                ASSERT_TRUE(journal.append(journal_click("ret" + std::to_string(n), link_id, at,
                                                         "203.0.113." + std::to_string(visitor), visitor == 0)));
            }
        }
    }
    auto const total = std::to_string(placed_days.size() * 4);
    std::string rollups_before;
    std::string report_before;
    auto const report_target = "/api/v1/reports/revenue?group_by=day&tz=UTC&from=" + day_text(placed_days.front().day) +
                               "&to=" + day_text(today + days(1));
    {
        server_process keeps_all(db.url(), {{"LINKLEDGER_CLICK_RETENTION_DAYS", "36500"}}, data_dir.string());
        ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", total, 30s), total) << keeps_all.process().log();
        for (auto const& p : placed_days) {
            auto const day = "'" + day_text(p.day) + "'";
            EXPECT_EQ(db.query_value("SELECT count(*) FROM daily_salts WHERE day = " + day), "1") << day_text(p.day);
            EXPECT_EQ(db.query_value("SELECT count(*) FROM click_uniques WHERE day = " + day), "2") << day_text(p.day);
            EXPECT_EQ(db.query_value("SELECT sum(clicks) || '/' || sum(unique_clicks) || '/' || sum(bot_hits) "
                                     "FROM click_rollups_daily WHERE day = " + day),
                      "3/2/1")
                << day_text(p.day);
        }
        rollups_before = db.query_value(k_rollup_sums);
        auto const report = api(keeps_all.port(), "GET", report_target, key);
        ASSERT_EQ(report.status, 200) << report.body;
        report_before = rows(report.json().as_object());
    }
    for (auto const& p : placed_days)
        EXPECT_NE(report_before.find(day_text(p.day) + "=3"), std::string::npos) << report_before;

    server_process keeps_30_days(db.url(), {{"LINKLEDGER_CLICK_RETENTION_DAYS", "30"}}, data_dir.string());
    for (auto const& p : placed_days) {
        if (!p.kept) {
            EXPECT_TRUE(keeps_30_days.process().wait_for_log("dropped partition " + partition_of(p.day), 30s))
                << keeps_30_days.process().log();
        }
    }

    for (auto const& p : placed_days) {
        auto const day = "'" + day_text(p.day) + "'";
        auto const partition = partition_of(p.day);
        EXPECT_EQ(db.query_value("SELECT to_regclass('" + partition + "') IS NOT NULL"), p.kept ? "t" : "f") << partition;
        EXPECT_EQ(db.query_value("SELECT count(*) FROM clicks WHERE (at AT TIME ZONE 'UTC')::date = " + day),
                  p.kept ? "4" : "0")
            << day_text(p.day);
        // Salts and markers go after the next day, whatever the retention: only yesterday's and
        // today's remain.
        bool const recent = p.day >= today - days(1);
        EXPECT_EQ(db.query_value("SELECT count(*) FROM daily_salts WHERE day = " + day), recent ? "1" : "0")
            << day_text(p.day);
        EXPECT_EQ(db.query_value("SELECT count(*) FROM click_uniques WHERE day = " + day), recent ? "2" : "0")
            << day_text(p.day);
    }
    EXPECT_EQ(db.query_value("SELECT count(*) FROM daily_salts WHERE day < (now() AT TIME ZONE 'UTC')::date - 1"), "0");
    EXPECT_EQ(db.query_value("SELECT count(*) FROM click_uniques WHERE day < (now() AT TIME ZONE 'UTC')::date - 1"), "0");
    // Every rollup as it was, and the report still counts the dropped clicks.
    EXPECT_EQ(db.query_value(k_rollup_sums), rollups_before);
    auto const report = api(keeps_30_days.port(), "GET", report_target, key);
    ASSERT_EQ(report.status, 200) << report.body;
    EXPECT_EQ(rows(report.json().as_object()), report_before);
}
