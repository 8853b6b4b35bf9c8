// The rollup rule without a database: a batch of stored clicks in, the rows each rollup table
// gains out. Both ways a batch is stored (COPY and the replay's insert) count through it.
#include "clicks/click_rollup.hpp"

#include <gtest/gtest.h>

#include <ctime>

using namespace linkledger::clicks;
using namespace std::chrono;

namespace {

sys_seconds utc(char const* text)
{
    std::tm tm{};
    strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return sys_seconds(seconds(timegm(&tm)));
}

sys_days utc_date(char const* text)
{
    return floor<days>(utc(text));
}

quarter_hour quarter(char const* text)
{
    return time_point_cast<minutes>(utc(text));
}

click make_click(std::int64_t link, char const* at, std::string source, std::string country = "FR",
                 bool bot = false)
{
    click c;
    c.click_id = "c" + std::to_string(link) + at;
    c.link_id = link;
    c.at = utc(at) + microseconds(123);
    c.source = std::move(source);
    c.in_app = c.source == "tiktok" ? "tiktok" : "none";
    c.country = std::move(country);
    c.bot = bot;
    return c;
}

rollup_counts counts(std::int64_t clicks, std::int64_t uniques, std::int64_t bots)
{
    return {clicks, uniques, bots};
}

} // namespace

TEST(click_rollup, a_click_falls_in_the_utc_quarter_hour_that_holds_it)
{
    EXPECT_EQ(quarter_hour_of(utc("2026-03-29T00:59:59Z")), quarter("2026-03-29T00:45:00Z"));
    EXPECT_EQ(quarter_hour_of(utc("2026-03-29T01:00:00Z")), quarter("2026-03-29T01:00:00Z"));
    EXPECT_EQ(quarter_hour_of(utc("2026-03-29T01:14:59Z") + microseconds(999999)), quarter("2026-03-29T01:00:00Z"));
    EXPECT_EQ(quarter_hour_of(utc("2026-03-29T01:15:00Z")), quarter("2026-03-29T01:15:00Z"));
    EXPECT_EQ(quarter_hour_of(utc("2026-12-31T23:59:00Z")), quarter("2026-12-31T23:45:00Z"));
}

TEST(click_rollup, an_empty_batch_adds_no_row)
{
    auto const rows = roll_up({}, {});
    EXPECT_TRUE(rows.link_day_details.empty());
    EXPECT_TRUE(rows.link_days.empty());
    EXPECT_TRUE(rows.link_quarters.empty());
    EXPECT_TRUE(rows.source_quarters.empty());
}

TEST(click_rollup, each_table_sums_the_batch_at_its_own_grain)
{
    std::vector<click> const batch{
        make_click(1, "2026-10-25T00:10:00Z", "tiktok"),             // 0 first visit
        make_click(1, "2026-10-25T00:14:00Z", "tiktok"),             // 1 same visitor again
        make_click(1, "2026-10-25T00:20:00Z", "tiktok", "BE"),       // 2 first visit, next quarter
        make_click(1, "2026-10-25T00:21:00Z", "tiktok", "FR", true), // 3 a bot
        make_click(2, "2026-10-25T00:11:00Z", "tiktok"),             // 4 another link, first visit
        make_click(1, "2026-10-25T23:59:00Z", "instagram"),          // 5 first visit, same day
        make_click(1, "2026-10-26T00:00:00Z", "tiktok"),             // 6 the next UTC day
    };
    std::vector<bool> const first{true, false, true, false, true, true, false};
    auto const rows = roll_up(batch, first);

    std::map<link_day_detail, rollup_counts> const details{
        {{1, utc_date("2026-10-25T00:00:00Z"), "instagram", "none", "FR"}, counts(1, 1, 0)},
        {{1, utc_date("2026-10-25T00:00:00Z"), "tiktok", "tiktok", "BE"}, counts(1, 1, 0)},
        {{1, utc_date("2026-10-25T00:00:00Z"), "tiktok", "tiktok", "FR"}, counts(2, 1, 1)},
        {{1, utc_date("2026-10-26T00:00:00Z"), "tiktok", "tiktok", "FR"}, counts(1, 0, 0)},
        {{2, utc_date("2026-10-25T00:00:00Z"), "tiktok", "tiktok", "FR"}, counts(1, 1, 0)},
    };
    EXPECT_EQ(rows.link_day_details, details);

    std::map<link_day, rollup_counts> const link_days{
        {{utc_date("2026-10-25T00:00:00Z"), 1, "instagram"}, counts(1, 1, 0)},
        {{utc_date("2026-10-25T00:00:00Z"), 1, "tiktok"}, counts(3, 2, 1)},
        {{utc_date("2026-10-25T00:00:00Z"), 2, "tiktok"}, counts(1, 1, 0)},
        {{utc_date("2026-10-26T00:00:00Z"), 1, "tiktok"}, counts(1, 0, 0)},
    };
    EXPECT_EQ(rows.link_days, link_days);

    std::map<link_quarter, rollup_counts> const link_quarters{
        {{quarter("2026-10-25T00:00:00Z"), 1, "tiktok"}, counts(2, 1, 0)},
        {{quarter("2026-10-25T00:00:00Z"), 2, "tiktok"}, counts(1, 1, 0)},
        {{quarter("2026-10-25T00:15:00Z"), 1, "tiktok"}, counts(1, 1, 1)},
        {{quarter("2026-10-25T23:45:00Z"), 1, "instagram"}, counts(1, 1, 0)},
        {{quarter("2026-10-26T00:00:00Z"), 1, "tiktok"}, counts(1, 0, 0)},
    };
    EXPECT_EQ(rows.link_quarters, link_quarters);

    std::map<source_quarter, rollup_counts> const source_quarters{
        {{quarter("2026-10-25T00:00:00Z"), "tiktok"}, counts(3, 2, 0)},
        {{quarter("2026-10-25T00:15:00Z"), "tiktok"}, counts(1, 1, 1)},
        {{quarter("2026-10-25T23:45:00Z"), "instagram"}, counts(1, 1, 0)},
        {{quarter("2026-10-26T00:00:00Z"), "tiktok"}, counts(1, 0, 0)},
    };
    EXPECT_EQ(rows.source_quarters, source_quarters);
}

TEST(click_rollup, a_bot_is_a_bot_hit_and_never_a_click_nor_a_unique_one)
{
    std::vector<click> const batch{make_click(7, "2026-01-01T12:00:00Z", "direct", "unknown", true)};
    // Even marked as a first visit (the shipper never marks one), a bot counts only as a bot hit.
    auto const rows = roll_up(batch, {true});
    ASSERT_EQ(rows.link_days.size(), 1u);
    EXPECT_EQ(rows.link_days.begin()->second, counts(0, 0, 1));
}

TEST(click_rollup, every_table_holds_the_same_totals)
{
    std::vector<click> batch;
    std::vector<bool> first;
    char const* const sources[] = {"tiktok", "instagram", "direct"};
    for (int i = 0; i < 500; ++i) {
        char at[32];
        std::snprintf(at, sizeof at, "2026-06-%02dT%02d:%02d:00Z", 1 + i % 3, i % 24, (i * 7) % 60);
        batch.push_back(make_click(i % 5, at, sources[i % 3], i % 4 ? "FR" : "DE", i % 11 == 0));
        first.push_back(i % 3 == 0);
    }
    auto const total = [](auto const& table) {
        rollup_counts sum;
        for (auto const& [key, row] : table) {
            sum.clicks += row.clicks;
            sum.unique_clicks += row.unique_clicks;
            sum.bot_hits += row.bot_hits;
        }
        return sum;
    };
    auto const rows = roll_up(batch, first);
    auto const expected = total(rows.link_day_details);
    EXPECT_EQ(expected.clicks + expected.bot_hits, 500);
    EXPECT_EQ(total(rows.link_days), expected);
    EXPECT_EQ(total(rows.link_quarters), expected);
    EXPECT_EQ(total(rows.source_quarters), expected);
}
