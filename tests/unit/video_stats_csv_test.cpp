// Creator-analytics exports read without a database: column names in English and French,
// counts with separators and K/M forms, watch times, dates, and what is refused and why.
#include "http/http_error.hpp"
#include "money/video_stats_csv.hpp"
#include "money/video_stats_import.hpp"

#include <gtest/gtest.h>

using namespace linkledger::money;
using linkledger::http::http_error;
using namespace std::chrono;

namespace {

constexpr sys_days k_today = sys_days{year{2026} / December / 2};

// The field a refusal names, or "" when `work` did not throw.
template <class Work>
std::string refused_field(Work work)
{
    try {
        work();
    } catch (http_error const& e) {
        return e.field;
    }
    return "";
}

} // namespace

TEST(video_stats_csv, counts_with_thousands_separators_and_k_m_b_forms)
{
    EXPECT_EQ(read_count("1234", "views"), 1234);
    EXPECT_EQ(read_count("1,234", "views"), 1234);
    EXPECT_EQ(read_count("1.234.567", "views"), 1234567);
    EXPECT_EQ(read_count("12 345", "views"), 12345);
    EXPECT_EQ(read_count("12\xC2\xA0" "345", "views"), 12345);     // no-break space
    EXPECT_EQ(read_count("1\xE2\x80\xAF" "234\xE2\x80\xAF" "567", "views"), 1234567); // narrow no-break space, as French exports write
    EXPECT_EQ(read_count("1.2K", "views"), 1200);
    EXPECT_EQ(read_count("1,2 k", "views"), 1200);
    EXPECT_EQ(read_count("12,5K", "views"), 12500);
    EXPECT_EQ(read_count("3M", "views"), 3000000);
    EXPECT_EQ(read_count("1.25M", "views"), 1250000);
    EXPECT_EQ(read_count("2,5 M", "views"), 2500000);
    EXPECT_EQ(read_count("1.5B", "views"), 1500000000);
    EXPECT_EQ(read_count("1.2345K", "views"), 1235); // a fraction of a view rounds
    EXPECT_EQ(read_count("1.234,5K", "views"), 1234500);
    EXPECT_EQ(read_count("+12", "followers_gained"), 12);
    EXPECT_EQ(read_count("12.0", "views"), 12);
    EXPECT_EQ(read_count("0", "views"), 0);
    for (auto const* blank : {"", "  ", "-", "--", "N/A"})
        EXPECT_FALSE(read_count(blank, "views").has_value()) << blank;
}

TEST(video_stats_csv, negative_fractional_and_unreadable_counts_are_refused_naming_the_field)
{
    EXPECT_EQ(refused_field([] { read_count("-3", "likes"); }), "likes");
    EXPECT_EQ(refused_field([] { read_count("\xE2\x88\x92" "3", "likes"); }), "likes"); // U+2212 minus
    EXPECT_EQ(refused_field([] { read_count("1,5", "views"); }), "views");
    EXPECT_EQ(refused_field([] { read_count("12 views", "views"); }), "views");
    EXPECT_EQ(refused_field([] { read_count("1.2.3K", "views"); }), "views");
    EXPECT_EQ(refused_field([] { read_count("abc", "shares"); }), "shares");
    EXPECT_EQ(refused_field([] { read_count("K", "shares"); }), "shares");
    EXPECT_EQ(refused_field([] { read_count("99999999999999999999", "views"); }), "views");
    EXPECT_EQ(refused_field([] { read_count("2000B", "views"); }), "views"); // past 10^12
}

TEST(video_stats_csv, watch_times_in_seconds_clock_and_unit_forms)
{
    EXPECT_EQ(read_watch_ms("8.4", "w"), 8400);
    EXPECT_EQ(read_watch_ms("8,4 s", "w"), 8400);
    EXPECT_EQ(read_watch_ms("8s", "w"), 8000);
    EXPECT_EQ(read_watch_ms("12.345 sec", "w"), 12345);
    EXPECT_EQ(read_watch_ms("0:08", "w"), 8000);
    EXPECT_EQ(read_watch_ms("1:05", "w"), 65000);
    EXPECT_EQ(read_watch_ms("1:02:03", "w"), 3723000);
    EXPECT_EQ(read_watch_ms("1m 5s", "w"), 65000);
    EXPECT_EQ(read_watch_ms("2 min", "w"), 120000);
    EXPECT_FALSE(read_watch_ms("--", "w").has_value());
    EXPECT_EQ(refused_field([] { read_watch_ms("-2", "average_watch_seconds"); }), "average_watch_seconds");
    EXPECT_EQ(refused_field([] { read_watch_ms("0:75", "w"); }), "w");
    EXPECT_EQ(refused_field([] { read_watch_ms("8 apples", "w"); }), "w");
    EXPECT_EQ(refused_field([] { read_watch_ms("25h", "w"); }), "w");
}

TEST(video_stats_csv, dates_iso_and_day_first_or_month_first_and_never_in_the_future)
{
    EXPECT_EQ(read_day("2026-11-30", "date", true, k_today), "2026-11-30");
    EXPECT_EQ(read_day("2026-11-30T00:00:00Z", "date", true, k_today), "2026-11-30");
    EXPECT_EQ(read_day("30/11/2026", "date", true, k_today), "2026-11-30");
    EXPECT_EQ(read_day("30/11/2026", "date", false, k_today), "2026-11-30"); // 30 cannot be a month
    EXPECT_EQ(read_day("03/11/2026", "date", true, k_today), "2026-11-03");
    EXPECT_EQ(read_day("03/11/2026", "date", false, k_today), "2026-03-11");
    EXPECT_EQ(read_day("30.11.2026", "date", true, k_today), "2026-11-30");
    EXPECT_EQ(read_day("2026-12-03", "date", true, k_today + days{1}), "2026-12-03");
    EXPECT_EQ(refused_field([] { read_day("2026-12-03", "date", true, k_today); }), "date");
    EXPECT_EQ(refused_field([] { read_day("2026-02-30", "date", true, k_today); }), "date");
    EXPECT_EQ(refused_field([] { read_day("yesterday", "date", true, k_today); }), "date");
    EXPECT_EQ(refused_field([] { read_day("2026/11-30", "date", true, k_today); }), "date");
    EXPECT_EQ(refused_field([] { read_day("", "date", true, k_today); }), "date");
    // Any zone's today is at most UTC's tomorrow.
    EXPECT_EQ(latest_reportable_day(sys_days{year{2026} / December / 2} + hours{23}), k_today + days{1});
}

TEST(video_stats_csv, english_and_french_headers_separators_and_unknown_columns)
{
    auto const english = parse_video_stats_csv("\xEF\xBB\xBF" "Date,Video link,Video views,Likes,Comments,Shares,"
                                               "Average watch time,Followers gained,Reach,Veiws\n"
                                               "2026-11-30,https://www.tiktok.com/@lea/video/7301,\"1,234\",1.2K,12,3,8.4s,40,900,1\n");
    EXPECT_EQ(english.columns, (std::vector<std::string>{"date", "video_url", "views", "likes", "comments", "shares",
                                                         "average_watch_seconds", "followers_gained", "", ""}));
    EXPECT_EQ(english.unknown_columns, std::vector<std::string>{"Veiws"});
    EXPECT_FALSE(english.day_first);
    auto const row = video_stats_from_csv_record(english, english.records.at(0), k_today);
    EXPECT_EQ(row.video_url, "https://www.tiktok.com/@lea/video/7301");
    EXPECT_EQ(row.stats.day, "2026-11-30");
    EXPECT_EQ(row.stats.views, 1234);
    EXPECT_EQ(row.stats.likes, 1200);
    EXPECT_EQ(row.stats.average_watch_ms, 8400);
    EXPECT_EQ(row.stats.followers_gained, 40);

    auto const french = parse_video_stats_csv("Jour;ID de la vid\xC3\xA9o;Vues de la vid\xC3\xA9o;J\xE2\x80\x99" "aime;"
                                              "Commentaires;Partages;Dur\xC3\xA9" "e moyenne de visionnage;NOUVEAUX ABONN\xC3\x89S\r\n"
                                              "03/11/2026;7301;1,2 k;56;4;2;0:08;7\r\n");
    EXPECT_EQ(french.columns, (std::vector<std::string>{"date", "video_id", "views", "likes", "comments", "shares",
                                                        "average_watch_seconds", "followers_gained"}));
    EXPECT_TRUE(french.unknown_columns.empty());
    EXPECT_TRUE(french.day_first);
    auto const fr = video_stats_from_csv_record(french, french.records.at(0), k_today);
    EXPECT_EQ(fr.platform_video_id, "7301");
    EXPECT_EQ(fr.stats.day, "2026-11-03");
    EXPECT_EQ(fr.stats.views, 1200);
    EXPECT_EQ(fr.stats.average_watch_ms, 8000);

    auto const tabs = parse_video_stats_csv("video_id\tdate\tviews\n7301\t2026-11-30\t3M\n");
    EXPECT_EQ(video_stats_from_csv_record(tabs, tabs.records.at(0), k_today).stats.views, 3000000);
}

TEST(video_stats_csv, a_file_without_date_or_video_column_is_refused_and_bad_rows_name_their_column)
{
    EXPECT_EQ(refused_field([] { parse_video_stats_csv("Video link,Views\nx,1\n"); }), "body");
    EXPECT_EQ(refused_field([] { parse_video_stats_csv("Date,Views\n2026-11-30,1\n"); }), "body");
    EXPECT_EQ(refused_field([] { parse_video_stats_csv("Date,Video ID,Views,Vues\n"); }), "body"); // two view columns
    auto const csv = parse_video_stats_csv("Date,Video ID,Views,Likes\n"
                                           "2026-11-30,7301,-5,1\n"
                                           "2026-12-25,7301,5,1\n"
                                           "2026-11-30,7301,lots,1\n"
                                           "2026-11-30,,5,1\n"
                                           "2026-11-30,7301,,\n"
                                           "2026-11-30,7301\n");
    std::vector<std::string> fields;
    for (auto const& record : csv.records)
        fields.push_back(refused_field([&] { video_stats_from_csv_record(csv, record, k_today); }));
    EXPECT_EQ(fields, (std::vector<std::string>{"views", "date", "views", "video_id", "views", "body"}));
}

TEST(video_stats_csv, the_platform_of_a_video_created_by_an_import_comes_from_its_link)
{
    EXPECT_EQ(platform_of_url("https://www.tiktok.com/@lea/video/7301"), "tiktok");
    EXPECT_EQ(platform_of_url("https://vm.tiktok.com/ZMabc/"), "tiktok");
    EXPECT_EQ(platform_of_url("https://www.instagram.com/reel/Cxyz/"), "instagram");
    EXPECT_EQ(platform_of_url("https://youtu.be/abc"), "youtube");
    EXPECT_EQ(platform_of_url("https://notyoutube.com/x"), "other");
    EXPECT_EQ(platform_of_url(""), "other");
}

// Text PostgreSQL would refuse is never sent to it: a title cut through a character, or a bad
// byte, made the whole file's transaction fail with a 500.
TEST(video_stats_csv, a_title_is_cut_at_a_character_and_a_bad_link_names_its_column)
{
    auto const csv = parse_video_stats_csv("Date,Video link,Views,Title\n"
                                           "2026-11-30,https://www.tiktok.com/@lea/video/1,5," + std::string(299, 'a') + "\xC3\xA9\n"
                                           "2026-11-30,https://www.tiktok.com/@lea/video/2,5,bad\xFF title\n"
                                           "2026-11-30,https://www.tiktok.com/@lea/video/\xFF,5,x\n");
    ASSERT_EQ(csv.records.size(), 3u);
    auto const cut = video_stats_from_csv_record(csv, csv.records[0], k_today);
    EXPECT_EQ(cut.title, std::string(299, 'a')) << "the cut falls before the character, not through it";
    auto const replaced = video_stats_from_csv_record(csv, csv.records[1], k_today);
    EXPECT_EQ(replaced.title, "bad\xEF\xBF\xBD title");
    EXPECT_EQ(refused_field([&] { video_stats_from_csv_record(csv, csv.records[2], k_today); }), "video_url");
}
