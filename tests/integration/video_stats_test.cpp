// Video statistics and per-video economics over real HTTP on the real database: creator-analytics
// exports imported in English and French (tests/fixtures/video_stats), K/M forms, re-imports that
// replace, bad rows reported; PUT by JSON; and RPM, clicks per 1,000 views and earnings per
// follower in the revenue report and the video's daily curve, against figures computed by hand.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <vector>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace linkledger::testing;

namespace {

constexpr char const* k_tiktok_ua =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/fr Region/FR";

std::string fixture(std::string const& name)
{
    auto const path = std::filesystem::path(__FILE__).parent_path().parent_path() / "fixtures" / "video_stats" / name;
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Today's and yesterday's UTC dates (the instance's zone is UTC).
std::string utc_day(int days_ago)
{
    auto const day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) - std::chrono::days{days_ago};
    std::chrono::year_month_day const ymd{day};
    char out[48];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

class video_stats : public shared_instance_test<video_stats> {
public:
    static constexpr char const* k_label = "video_stats";

protected:
    static boost::json::object import(std::string const& csv, std::string const& query = "")
    {
        auto const reply = send(ll->port(), {"POST", "/api/v1/videos/stats/import" + query, csv,
                                             {{"Authorization", "Bearer " + ll->key()}, {"Content-Type", "text/csv"}}});
        EXPECT_EQ(reply.status, 200) << reply.body;
        return reply.status == 200 ? reply.json().as_object() : boost::json::object{};
    }

    static boost::json::object get_json(std::string const& target)
    {
        auto const reply = ll->api("GET", target);
        EXPECT_EQ(reply.status, 200) << reply.body;
        return reply.json().as_object();
    }

    static boost::json::object created(http_reply const& reply)
    {
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.json().as_object();
    }

    static std::int64_t id_of(boost::json::object const& o) { return o.at("id").as_int64(); }

    static std::string video_of(std::string const& platform_video_id)
    {
        return ll->db().query_value("SELECT COALESCE(min(id)::text, '') FROM videos WHERE platform_video_id = '" +
                                    platform_video_id + "'");
    }

    // The stored day as "views/likes/comments/shares/watch_ms/followers" (empty for null).
    static std::string stored(std::string const& video_id, std::string const& day)
    {
        return ll->db().query_value("SELECT concat_ws('/', COALESCE(views::text, ''), COALESCE(likes::text, ''), "
                                    "COALESCE(comments::text, ''), COALESCE(shares::text, ''), "
                                    "COALESCE(average_watch_ms::text, ''), COALESCE(followers_gained::text, '')) "
                                    "FROM video_stats WHERE video_id = " + video_id + " AND day = '" + day + "'");
    }

    static std::map<std::string, int> results(boost::json::object const& report)
    {
        std::map<std::string, int> out;
        for (auto const& row : report.at("rows").as_array())
            ++out[std::string(row.at("result").as_string())];
        return out;
    }

    static void expect_error(http_reply const& reply, int status, std::string const& field)
    {
        EXPECT_EQ(reply.status, status) << reply.body;
        EXPECT_EQ(reply.json().at("error").at("field").as_string(), field) << reply.body;
    }

    static boost::json::array video_rows(std::string const& query = "")
    {
        return get_json("/api/v1/reports/revenue?group_by=video" + query).at("rows").as_array();
    }

    static boost::json::object const* row_of(boost::json::array const& rows, std::int64_t video_id)
    {
        for (auto const& r : rows)
            if (r.at("key").is_string() && r.at("key").as_string() == std::to_string(video_id))
                return &r.as_object();
        return nullptr;
    }
};

TEST_F(video_stats, an_english_tiktok_export_creates_missing_videos_and_reads_k_m_and_separators)
{
    auto const csv = fixture("tiktok_studio_en.csv");
    // Without create_missing, videos Linkledger does not know are reported, nothing is created.
    auto const refused = import(csv);
    EXPECT_EQ(refused.at("failed").as_int64(), 3) << boost::json::serialize(refused);
    EXPECT_EQ(refused.at("rows").at(0).at("field").as_string(), "video_url");
    EXPECT_EQ(refused.at("rows").at(0).at("line").as_int64(), 2);
    EXPECT_EQ(video_of("7441122334455667788"), "");

    auto const report = import(csv, "?create_missing=true");
    EXPECT_EQ(report.at("created").as_int64(), 3) << boost::json::serialize(report);
    EXPECT_EQ(report.at("failed").as_int64(), 0);
    EXPECT_EQ(report.at("videos_created").as_int64(), 2);
    EXPECT_TRUE(report.at("unknown_columns").as_array().empty()); // Reach and Profile views are known, not imported
    auto const haul = video_of("7441122334455667788");
    auto const gym = video_of("7441199887766554433");
    ASSERT_NE(haul, "");
    ASSERT_NE(gym, "");
    EXPECT_EQ(stored(haul, "2026-11-28"), "12480/1200/48/31/8400/95");
    EXPECT_EQ(stored(haul, "2026-11-29"), "3105/287/12/9/7900/22");
    EXPECT_EQ(stored(gym, "2026-11-28"), "1500000/84200/1203/2100/11200/4310");
    EXPECT_EQ(ll->db().query_value("SELECT platform || ' ' || title || ' ' || posted_at::date FROM videos WHERE id = " + haul),
              "tiktok Winter haul 2026-11-28");

    // The API gives the days back, the watch time as a plain decimal.
    auto const days = ll->api("GET", "/api/v1/videos/" + haul + "/stats?from=2026-11-29");
    ASSERT_EQ(days.status, 200) << days.body;
    EXPECT_NE(days.body.find(R"({"date":"2026-11-29","views":3105,"likes":287,"comments":12,"shares":9,"average_watch_seconds":7.9,"followers_gained":22})"),
              std::string::npos)
        << days.body;
    EXPECT_EQ(days.json().at("days").as_array().size(), 1u);

    // A YouTube Studio export, tab-separated, names its videos by id.
    auto const youtube = import(fixture("youtube_shorts_en.tsv"), "?create_missing=true");
    EXPECT_EQ(youtube.at("created").as_int64(), 2) << boost::json::serialize(youtube);
    EXPECT_EQ(stored(video_of("dQw4w9WgXcQ"), "2026-11-27"), "48300/2900/211/95/41000/380");
}

TEST_F(video_stats, a_french_export_matches_the_same_videos_and_a_reimport_replaces_never_adds)
{
    import(fixture("tiktok_studio_en.csv"), "?create_missing=true");
    auto const videos_before = ll->db().query_value("SELECT count(*) FROM videos");
    auto const haul = video_of("7441122334455667788");

    auto const report = import(fixture("tiktok_studio_fr.csv"));
    EXPECT_EQ(report.at("failed").as_int64(), 0) << boost::json::serialize(report);
    // 28/11 says what the English file said; 29/11 has grown; 30/11 is new.
    EXPECT_EQ(report.at("unchanged").as_int64(), 2);
    EXPECT_EQ(report.at("updated").as_int64(), 1);
    EXPECT_EQ(report.at("created").as_int64(), 1);
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM videos"), videos_before);
    EXPECT_EQ(stored(haul, "2026-11-28"), "12480/1200/48/31/8400/95");
    EXPECT_EQ(stored(haul, "2026-11-29"), "3412/301/14/9/8000/25"); // replaced: 3 105 + 3 412 would be 6 517
    EXPECT_EQ(stored(haul, "2026-11-30"), "1100/96/3/2/7200/6");
    EXPECT_EQ(stored(video_of("7441199887766554433"), "2026-11-28"), "1500000/84200/1203/2100/11200/4310");

    auto const again = import(fixture("tiktok_studio_fr.csv"));
    EXPECT_EQ(results(again), (std::map<std::string, int>{{"unchanged", 4}}));
    EXPECT_EQ(ll->db().query_value("SELECT sum(views) FROM video_stats WHERE video_id = " + haul), "16992");

    // A figure left blank keeps the stored one; one given replaces it.
    import("Date;ID de la vid\xC3\xA9o;Vues de la vid\xC3\xA9o;J'aime\n29/11/2026;7441122334455667788;3,5 k;\n");
    EXPECT_EQ(stored(haul, "2026-11-29"), "3500/301/14/9/8000/25");
}

TEST_F(video_stats, bad_rows_are_reported_with_their_line_and_reason_and_good_rows_kept)
{
    auto const video = created(ll->api("POST", "/api/v1/videos",
                                       R"({"url":"https://www.tiktok.com/@lea/video/9000000000000000001","posted_at":"2026-11-01T10:00:00Z"})"));
    auto const id = std::to_string(id_of(video));
    auto const report = import("Date,Video link,Video views,Likes,Veiws\n"
                               "2026-11-20,https://www.tiktok.com/@lea/video/9000000000000000001,1.2K,10,1\n"
                               "2026-11-21,https://www.tiktok.com/@lea/video/9000000000000000001,-40,10,1\n"
                               "2099-01-01,https://www.tiktok.com/@lea/video/9000000000000000001,50,10,1\n"
                               "2026-11-22,https://www.tiktok.com/@lea/video/9000000000000000001,beaucoup,10,1\n"
                               "2026-11-23,https://m.tiktok.com/v/9000000000000000001.html,5,1,1\n"
                               "2026-11-24,https://www.tiktok.com/@lea/video/9000000000000000001/,\"2,5 M\",3,1\n");
    EXPECT_EQ(report.at("unknown_columns").at(0).as_string(), "Veiws");
    EXPECT_EQ(report.at("created").as_int64(), 2) << boost::json::serialize(report);
    EXPECT_EQ(report.at("failed").as_int64(), 5); // the unknown column and four rows
    std::vector<std::string> errors;
    for (auto const& row : report.at("rows").as_array())
        if (row.at("result").as_string() == "error")
            errors.push_back(std::to_string(row.at("line").as_int64()) + ":" + std::string(row.at("field").as_string()));
    EXPECT_EQ(errors, (std::vector<std::string>{"1:Veiws", "3:views", "4:date", "5:views", "6:video_url"}));
    auto const& rows = report.at("rows").as_array();
    EXPECT_NE(std::string(rows.at(2).at("message").as_string()).find("negative"), std::string::npos);
    EXPECT_NE(std::string(rows.at(3).at("message").as_string()).find("future"), std::string::npos);
    EXPECT_EQ(stored(id, "2026-11-20"), "1200/10////");
    EXPECT_EQ(stored(id, "2026-11-24"), "2500000/3////"); // the trailing slash is the same video
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM video_stats WHERE video_id = " + id), "2");

    // A file that names no date or no video is refused whole.
    auto const no_date = send(ll->port(), {"POST", "/api/v1/videos/stats/import", "Video link,Views\nx,1\n",
                                           {{"Authorization", "Bearer " + ll->key()}}});
    expect_error(no_date, 400, "body");
    auto const flag = send(ll->port(), {"POST", "/api/v1/videos/stats/import?create_missing=maybe", "Date,Video ID\n",
                                        {{"Authorization", "Bearer " + ll->key()}}});
    expect_error(flag, 400, "create_missing");
}

// An analytics export with a long French title, a bad byte and a javascript: link: each row is
// judged on its own. The long title's 300-byte cut through an "é" and the bad byte failed the
// file's transaction (a 500, every row lost), and the javascript: link became a video the
// dashboard linked to.
TEST_F(video_stats, odd_text_in_one_row_never_fails_the_file)
{
    std::string const csv = "Video link,Date,Views,Title\n"
                            "https://www.tiktok.com/@lea/video/8801,2026-11-30,10," + std::string(299, 'a') + "\xC3\xA9\n"
                            "https://www.tiktok.com/@lea/video/8802,2026-11-30,20,bad\xFF title\n"
                            "javascript:alert(1),2026-11-30,30,x\n"
                            "https://www.tiktok.com/@lea/video/\xFF,2026-11-30,40,y\n";
    auto const report = import(csv, "?create_missing=true");
    EXPECT_EQ(report.at("created").as_int64(), 2) << boost::json::serialize(report);
    EXPECT_EQ(report.at("failed").as_int64(), 2) << boost::json::serialize(report);
    std::vector<std::string> fields;
    for (auto const& row : report.at("rows").as_array())
        if (row.at("result").as_string() == "error")
            fields.emplace_back(row.at("field").as_string());
    EXPECT_EQ(fields, (std::vector<std::string>{"video_url", "video_url"}));
    EXPECT_EQ(ll->db().query_value("SELECT octet_length(title) FROM videos WHERE url LIKE '%/8801'"), "299");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM videos WHERE url LIKE 'javascript:%'"), "0");
}

TEST_F(video_stats, put_stores_days_by_json_replaces_them_and_names_the_bad_field)
{
    auto const video = created(ll->api("POST", "/api/v1/videos", R"({"title":"By API","posted_at":"2026-11-01T10:00:00Z"})"));
    auto const path = "/api/v1/videos/" + std::to_string(id_of(video)) + "/stats";
    auto const first = ll->api("PUT", path, R"({"days":[{"date":"2026-11-30","views":1200,"likes":80,"average_watch_seconds":8.4},
                                                          {"date":"2026-12-01","views":300,"followers_gained":4}]})");
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json().at("created").as_int64(), 2);
    auto const second = ll->api("PUT", path, R"({"days":[{"date":"2026-11-30","views":1500}]})");
    EXPECT_EQ(second.json().at("updated").as_int64(), 1) << second.body;
    EXPECT_EQ(stored(std::to_string(id_of(video)), "2026-11-30"), "1500/80///8400/");
    EXPECT_EQ(ll->api("PUT", path, R"({"days":[{"date":"2026-11-30","views":1500}]})").json().at("unchanged").as_int64(), 1);

    expect_error(ll->api("PUT", path, R"({"days":[{"date":"2026-11-30","views":-1}]})"), 400, "days[0].views");
    expect_error(ll->api("PUT", path, R"({"days":[{"date":"2026-11-30","views":1},{"date":"2099-01-01","views":1}]})"), 400,
                 "days[1].date");
    expect_error(ll->api("PUT", path, R"({"days":[{"date":"2026-11-30","vues":1}]})"), 400, "days[0].vues");
    expect_error(ll->api("PUT", path, R"({"days":[{"date":"2026-11-30"}]})"), 400, "days[0].views");
    expect_error(ll->api("PUT", path, R"({"days":[]})"), 400, "days");
    expect_error(ll->api("PUT", "/api/v1/videos/999999/stats", R"({"days":[{"date":"2026-11-30","views":1}]})"), 404, "id");
    EXPECT_EQ(ll->api("GET", "/api/v1/videos/999999/stats").status, 404);
}

// Money ranks within its currency: 1,543.25 KWD of commission (154325 minor units) came first
// ahead of 12.00 EUR (1200) by its raw figure. Each currency is a block, the one with the most
// sales first; followers, a count, rank across currencies.
TEST_F(video_stats, money_rankings_compare_videos_within_a_currency_and_followers_across)
{
    auto const today = utc_day(0);
    auto const offer_in = [](std::string const& currency) {
        return std::to_string(id_of(created(ll->api("POST", "/api/v1/offers", R"({"name":"Shop )" + currency +
                                                                                   R"(","currency":")" + currency +
                                                                                   R"(","commission":{"type":"percent","rate_bps":1000}})"))));
    };
    auto const eur = offer_in("EUR");
    auto const kwd = offer_in("KWD");
    auto const video = [&](std::string const& title, std::string const& offer, int followers) {
        auto const id = id_of(created(ll->api("POST", "/api/v1/videos", R"({"title":")" + title +
                                                                            R"(","posted_at":"2026-11-01T10:00:00Z"})")));
        EXPECT_EQ(ll->api("POST", "/api/v1/promo-codes", R"({"code":")" + title + R"(","offer_id":)" + offer +
                                                             R"(,"video_id":)" + std::to_string(id) + "}").status, 201);
        EXPECT_EQ(ll->api("PUT", "/api/v1/videos/" + std::to_string(id) + "/stats",
                          R"({"days":[{"date":")" + today + R"(","views":1000,"followers_gained":)" +
                              std::to_string(followers) + "}]}").status, 200);
        return id;
    };
    auto const sale = [](std::string const& offer, std::string const& code, int amount) {
        EXPECT_EQ(ll->api("POST", "/api/v1/conversions", R"({"offer_id":)" + offer + R"(,"amount_minor":)" +
                                                              std::to_string(amount) + R"(,"code":")" + code + "\"}").status, 201);
    };
    auto const dinars = video("RANKKWD", kwd, 100);
    auto const euros = video("RANKEUR", eur, 10);
    auto const fewer_euros = video("RANKEUR2", eur, 50);
    sale(kwd, "RANKKWD", 1543250); // 1,543.250 KWD: 154.325 KWD of commission
    sale(eur, "RANKEUR", 6000);    // 2 × 60.00 EUR: 12.00 EUR
    sale(eur, "RANKEUR", 6000);
    sale(eur, "RANKEUR2", 5000); // 5.00 EUR

    auto const order = [&](std::string const& sort) {
        std::vector<std::int64_t> seen;
        for (auto const& row : video_rows(sort.empty() ? "" : "&sort=" + sort))
            for (auto const id : {dinars, euros, fewer_euros})
                if (row.at("key").is_string() && row.at("key").as_string() == std::to_string(id))
                    seen.push_back(id);
        return seen;
    };
    std::vector<std::int64_t> const by_money{euros, fewer_euros, dinars};
    EXPECT_EQ(order(""), by_money);
    EXPECT_EQ(order("commission"), by_money);
    EXPECT_EQ(order("earnings"), by_money);
    EXPECT_EQ(order("rpm"), by_money);
    EXPECT_EQ(order("followers"), (std::vector<std::int64_t>{dinars, fewer_euros, euros}));
}

TEST_F(video_stats, rpm_clicks_per_1000_views_and_earnings_per_follower_match_hand_computed_figures)
{
    auto const today = utc_day(0);
    auto const yesterday = utc_day(1);
    auto const offer = created(ll->api("POST", "/api/v1/offers",
                                       R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})"));
    auto const make_video = [](std::string const& title) {
        return id_of(created(ll->api("POST", "/api/v1/videos",
                                     R"({"title":")" + title + R"(","posted_at":"2026-11-01T10:00:00Z"})")));
    };
    auto const earner = make_video("Earner");
    auto const unseen = make_video("Unseen");
    auto const rewards_only = make_video("Rewards only");
    ll->create_link(R"({"target_url":"https://shop.example/e?subid={click_id}","slug":"earner","video_id":)" +
                    std::to_string(earner) + "}");
    ASSERT_EQ(ll->api("POST", "/api/v1/promo-codes", R"({"code":"EARN10","offer_id":)" + std::to_string(id_of(offer)) +
                                                         R"(,"video_id":)" + std::to_string(earner) + "}")
                  .status,
              201);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(send(ll->port(), {"GET", "/earner?utm_source=tiktok", "", {{"User-Agent", k_tiktok_ua}}}).status, 302);
    ASSERT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks c JOIN links l ON l.id = c.link_id "
                                      "WHERE l.slug = 'earner' AND NOT c.bot", "3"), "3");
    // A 100.00 EUR sale by the video's code: 10.00 EUR commission. Creator Rewards 2.50 EUR.
    ASSERT_EQ(ll->api("POST", "/api/v1/conversions", R"({"offer_id":)" + std::to_string(id_of(offer)) +
                                                         R"(,"amount_minor":10000,"code":"EARN10"})")
                  .status,
              201);
    ASSERT_EQ(ll->api("POST", "/api/v1/income", R"({"stream":"creator_rewards","amount_minor":250,"currency":"EUR","date":")" +
                                                     today + R"(","video_id":)" + std::to_string(earner) + "}")
                  .status,
              201);
    ASSERT_EQ(ll->api("POST", "/api/v1/income", R"({"stream":"creator_rewards","amount_minor":5,"currency":"EUR","date":")" +
                                                     today + R"(","video_id":)" + std::to_string(rewards_only) + "}")
                  .status,
              201);
    auto const put = [](std::int64_t video, std::string const& days) {
        auto const reply = ll->api("PUT", "/api/v1/videos/" + std::to_string(video) + "/stats", R"({"days":)" + days + "}");
        EXPECT_EQ(reply.status, 200) << reply.body;
    };
    put(earner, R"([{"date":")" + yesterday + R"(","views":1200,"followers_gained":25},{"date":")" + today +
                    R"(","views":800,"followers_gained":15}])");
    put(unseen, R"([{"date":")" + today + R"(","views":0,"followers_gained":0}])");
    put(rewards_only, R"([{"date":")" + today + R"(","views":2000,"followers_gained":2}])");

    auto const reply = ll->api("GET", "/api/v1/reports/revenue?group_by=video");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.body.find("E-"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("E+"), std::string::npos) << reply.body;
    auto const rows = reply.json().at("rows").as_array();
    auto const* e = row_of(rows, earner);
    ASSERT_NE(e, nullptr) << reply.body;
    EXPECT_EQ(e->at("currency").as_string(), "EUR");
    EXPECT_EQ(e->at("clicks").as_int64(), 3);
    EXPECT_EQ(e->at("views").as_int64(), 2000);
    EXPECT_EQ(e->at("commission_minor").as_int64(), 1000);
    EXPECT_EQ(e->at("other_income_minor").as_int64(), 250);
    EXPECT_EQ(e->at("earnings_minor").as_int64(), 1250);
    EXPECT_EQ(e->at("clicks_per_1000_views").as_double(), 1.5); // 3 × 1000 / 2000
    EXPECT_EQ(e->at("rpm_minor").as_int64(), 625);              // 1250 × 1000 / 2000
    EXPECT_EQ(e->at("followers_gained").as_int64(), 40);
    EXPECT_EQ(e->at("earnings_per_follower_minor").as_int64(), 31); // 1250 / 40 = 31.25
    EXPECT_NE(reply.body.find(R"("clicks_per_1000_views":1.5,)"), std::string::npos) << reply.body;

    // Zero views and zero followers: no rate at all, rather than an infinity or a zero.
    auto const* u = row_of(rows, unseen);
    ASSERT_NE(u, nullptr) << reply.body;
    EXPECT_EQ(u->at("views").as_int64(), 0);
    EXPECT_TRUE(u->at("rpm_minor").is_null());
    EXPECT_TRUE(u->at("clicks_per_1000_views").is_null());
    EXPECT_TRUE(u->at("earnings_per_follower_minor").is_null());
    EXPECT_TRUE(u->at("currency").is_null());

    // Income alone, no link and no sale: its own row. 5 × 1000 / 2000 = 2.5 and 5 / 2 = 2.5,
    // both rounded half to even.
    auto const* r = row_of(rows, rewards_only);
    ASSERT_NE(r, nullptr) << reply.body;
    EXPECT_EQ(r->at("currency").as_string(), "EUR");
    EXPECT_EQ(r->at("earnings_minor").as_int64(), 5);
    EXPECT_EQ(r->at("rpm_minor").as_int64(), 2);
    EXPECT_EQ(r->at("earnings_per_follower_minor").as_int64(), 2);
    EXPECT_EQ(r->at("clicks_per_1000_views").as_double(), 0.0);
    EXPECT_EQ(r->at("label").as_string(), "Rewards only");

    // The rankings.
    auto const order = [](std::string const& sort, std::vector<std::int64_t> const& ids) {
        std::vector<std::int64_t> seen;
        for (auto const& row : video_rows("&sort=" + sort))
            for (auto const id : ids)
                if (row.at("key").is_string() && row.at("key").as_string() == std::to_string(id))
                    seen.push_back(id);
        return seen;
    };
    EXPECT_EQ(order("earnings", {earner, unseen, rewards_only}), (std::vector<std::int64_t>{earner, rewards_only, unseen}));
    EXPECT_EQ(order("rpm", {earner, unseen, rewards_only}), (std::vector<std::int64_t>{earner, rewards_only, unseen}));
    EXPECT_EQ(order("followers", {earner, unseen, rewards_only}), (std::vector<std::int64_t>{earner, rewards_only, unseen}));
    expect_error(ll->api("GET", "/api/v1/reports/revenue?group_by=video&sort=views_desc"), 400, "sort");
    expect_error(ll->api("GET", "/api/v1/reports/revenue?group_by=source&sort=rpm"), 400, "sort");

    // The video's daily curve: each day's views, clicks and commission, and the same totals.
    auto const curve = get_json("/api/v1/videos/" + std::to_string(earner) + "/daily");
    auto const& days = curve.at("days").as_array();
    ASSERT_EQ(days.size(), 30u) << boost::json::serialize(curve);
    auto const& last = days.back().as_object();
    auto const& before = days.at(28).as_object();
    EXPECT_EQ(last.at("date").as_string(), today);
    EXPECT_EQ(last.at("views").as_int64(), 800);
    EXPECT_EQ(last.at("clicks").as_int64(), 3);
    EXPECT_EQ(last.at("money").at(0).at("commission_minor").as_int64(), 1000);
    EXPECT_EQ(last.at("money").at(0).at("other_income_minor").as_int64(), 250);
    EXPECT_EQ(before.at("date").as_string(), yesterday);
    EXPECT_EQ(before.at("views").as_int64(), 1200);
    EXPECT_EQ(before.at("clicks").as_int64(), 0);
    EXPECT_TRUE(days.front().at("views").is_null());
    auto const& total = curve.at("totals").at(0).as_object();
    EXPECT_EQ(total.at("currency").as_string(), "EUR");
    EXPECT_EQ(total.at("views").as_int64(), 2000);
    EXPECT_EQ(total.at("rpm_minor").as_int64(), 625);
    EXPECT_EQ(total.at("clicks_per_1000_views").as_double(), 1.5);
    EXPECT_EQ(total.at("earnings_per_follower_minor").as_int64(), 31);
    EXPECT_EQ(ll->api("GET", "/api/v1/videos/999999/daily").status, 404);
}

} // namespace
