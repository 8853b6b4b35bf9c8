// The reports behind the dashboard's link and video pages over the real server and PostgreSQL:
// a link's daily curve, the clicks split by source, country, device, OS and referrer host (for
// a link, a video's links, or everything), a link's or video's sales and its video's other
// income. Clicks are written to the click journal at chosen instants with chosen traits before
// the server starts, so the real shipper files them; sales come through the API by click id.
// Every expected figure is counted by hand in the comments.
#include "instance.hpp"

#include "clicks/click_journal.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <filesystem>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

struct placed_click {
    char const* id;
    char const* at; // UTC
    int link;       // 0: page-a, 1: page-b (same video), 2: lone (no video)
    char const* source;
    char const* country;
    char const* device;
    char const* os;
    char const* referer;
    bool bot = false;
};

// Paris is UTC+1 in early March 2026.
constexpr placed_click k_clicks[] = {
    {"pg1", "2026-03-10T10:00:00Z", 0, "tiktok", "FR", "mobile", "ios", "https://www.tiktok.com/@me/video/1"},
    {"pg2", "2026-03-10T11:00:00Z", 0, "tiktok", "FR", "mobile", "android", "https://WWW.TikTok.com/"},
    {"pg3", "2026-03-10T23:30:00Z", 0, "instagram", "BE", "mobile", "ios", "https://l.instagram.com/?u=x"}, // Paris 03-11 00:30
    {"pg4", "2026-03-11T09:00:00Z", 0, "direct", "unknown", "desktop", "other", ""},
    {"pg5", "2026-03-11T09:05:00Z", 0, "tiktok", "FR", "mobile", "ios", "", true}, // a bot: never counted
    {"pg6", "2026-03-11T12:00:00Z", 1, "youtube", "DE", "tablet", "android", "https://m.youtube.com/watch?v=1"},
    {"pg7", "2026-03-11T13:00:00Z", 2, "tiktok", "US", "mobile", "ios", ""},
};

std::chrono::system_clock::time_point utc(std::string const& text)
{
    std::tm tm{};
    strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

class link_and_video_pages : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        db = new scratch_database("link_and_video_pages");
        auto const created = run_linkledger({"api-key", "create", "--name", "tests"}, {{"LINKLEDGER_DATABASE_URL", db->url()}});
        ASSERT_EQ(created.exit_code, 0) << created.err; // also migrates
        key = last_line(created.out);
        video_id = db->query_value("INSERT INTO videos (platform, title, posted_at) VALUES ('tiktok', 'Unboxing', "
                                   "'2026-03-01T10:00:00Z') RETURNING id");
        other_video_id = db->query_value("INSERT INTO videos (platform, title, posted_at) VALUES ('tiktok', 'Other', "
                                         "'2026-03-02T10:00:00Z') RETURNING id");
        link_ids[0] = db->query_value("INSERT INTO links (slug, title, target_url, video_id) VALUES ('page-a', 'Page A', "
                                      "'https://shop.example/a', " + video_id + ") RETURNING id");
        link_ids[1] = db->query_value("INSERT INTO links (slug, target_url, video_id) VALUES ('page-b', "
                                      "'https://shop.example/b', " + video_id + ") RETURNING id");
        link_ids[2] = db->query_value("INSERT INTO links (slug, target_url) VALUES ('lone', 'https://shop.example/c') RETURNING id");
        data_dir = std::filesystem::temp_directory_path() / ("ll-pages-" + std::to_string(::getpid()));
        std::filesystem::remove_all(data_dir);
        {
            linkledger::clicks::click_journal journal(data_dir / "journal");
            int n = 0;
            for (auto const& placed : k_clicks) {
                linkledger::clicks::click c;
                c.click_id = placed.id;
                c.link_id = std::stoll(link_ids[placed.link]);
                c.at = utc(placed.at);
                c.ip_anon = "203.0.113." + std::to_string(++n);
                c.user_agent = "Mozilla/5.0 (test)";
                c.referer = placed.referer;
                c.source = placed.source;
                c.in_app = "none";
                c.device = placed.device;
                c.os = placed.os;
                c.country = placed.country;
                c.bot = placed.bot;
                c.bot_reason = placed.bot ? "test" : "";
                ASSERT_TRUE(journal.append(c));
            }
        }
        server = new server_process(db->url(), {{"LINKLEDGER_TIMEZONE", "UTC"}}, data_dir.string());
        ASSERT_EQ(db->wait_for_value("SELECT sum(clicks) || '/' || sum(bot_hits) FROM click_totals_quarter_hourly", "6/1", 30s),
                  "6/1");
        auto const offer = call("POST", "/api/v1/offers",
                                R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
        ASSERT_EQ(offer.status, 201) << offer.body;
        offer_id = std::to_string(offer.json().at("id").as_int64());
        // S1 through pg1 (page-a) 03-10 12:00Z, approved: 100.00, 10.00 commission.
        // S2 through pg3 (page-a) 03-10 23:45Z (Paris 03-11), pending: 50.00, 5.00.
        // S3 through pg6 (page-b) 03-11 15:00Z: 20.00, 2.00.
        // S4 through pg2 (page-a) 03-11 10:00Z, later rejected: 30.00, 3.00; listed, never counted.
        sale("S1", "pg1", 10000, "approved", "2026-03-10T12:00:00Z");
        sale("S2", "pg3", 5000, "pending", "2026-03-10T23:45:00Z");
        sale("S3", "pg6", 2000, "pending", "2026-03-11T15:00:00Z");
        sale("S4", "pg2", 3000, "rejected", "2026-03-11T10:00:00Z");
        // Creator Rewards for the video on 03-11 (inside) and 03-20 (outside); one for the other video.
        income(video_id, "2026-03-11", 250);
        income(video_id, "2026-03-20", 999);
        income(other_video_id, "2026-03-11", 77);
    }
    static void TearDownTestSuite()
    {
        delete server;
        server = nullptr;
        delete db;
        db = nullptr;
        std::filesystem::remove_all(data_dir);
    }

    static http_reply call(std::string const& method, std::string const& target, std::string const& body = "")
    {
        return api(server->port(), method, target, key, body);
    }

    static void sale(std::string const& txid, std::string const& click, int amount, std::string const& status,
                     std::string const& at)
    {
        auto const reply = call("POST", "/api/v1/conversions",
                                R"({"offer_id":)" + offer_id + R"(,"txid":")" + txid + R"(","click_id":")" + click +
                                    R"(","amount_minor":)" + std::to_string(amount) + R"(,"status":")" + status +
                                    R"(","occurred_at":")" + at + R"("})");
        ASSERT_EQ(reply.status, 201) << reply.body;
    }

    static void income(std::string const& video, std::string const& day, int amount)
    {
        auto const reply = call("POST", "/api/v1/income",
                                R"({"stream":"creator_rewards","amount_minor":)" + std::to_string(amount) +
                                    R"(,"currency":"EUR","date":")" + day + R"(","video_id":)" + video + "}");
        ASSERT_EQ(reply.status, 201) << reply.body;
    }

    static boost::json::object get(std::string const& target)
    {
        auto const reply = call("GET", target);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
        return reply.status == 200 ? reply.json().as_object() : boost::json::object{};
    }

    // "date=clicks/conversions/commission" per day (commission 0 without sales).
    static std::string days(boost::json::object const& curve)
    {
        std::string out;
        for (auto const& d : curve.at("days").as_array()) {
            if (!out.empty())
                out += ' ';
            out.append(d.at("date").as_string()).append("=").append(std::to_string(d.at("clicks").as_int64()));
            std::int64_t conversions = 0, commission = 0;
            for (auto const& m : d.at("money").as_array()) {
                conversions += m.at("conversions").as_int64();
                commission += m.at("commission_minor").as_int64();
            }
            out.append("/").append(std::to_string(conversions)).append("/").append(std::to_string(commission));
        }
        return out;
    }

    // "key=clicks" per row in the report's order; "-" for no key.
    static std::string split(std::string const& query)
    {
        auto const report = get("/api/v1/reports/clicks?" + query);
        if (!report.contains("rows"))
            return boost::json::serialize(report);
        std::string out;
        for (auto const& row : report.at("rows").as_array()) {
            if (!out.empty())
                out += ' ';
            out.append(row.at("key").is_null() ? std::string("-") : std::string(row.at("key").as_string()));
            out.append("=").append(std::to_string(row.at("clicks").as_int64()));
        }
        return out;
    }

    // "txid-less" sales as "day/status/amount/commission", newest first.
    static std::string sales(std::string const& query)
    {
        auto const report = get("/api/v1/reports/sales?" + query);
        if (!report.contains("rows"))
            return boost::json::serialize(report);
        std::string out;
        for (auto const& row : report.at("rows").as_array()) {
            if (!out.empty())
                out += ' ';
            out.append(row.at("day").as_string()).append("/").append(row.at("status").as_string());
            out.append("/").append(std::to_string(row.at("amount_minor").as_int64()));
            out.append("/").append(std::to_string(row.at("commission_minor").as_int64()));
        }
        return out;
    }

    static void expect_error(http_reply const& reply, int status, std::string const& field)
    {
        EXPECT_EQ(reply.status, status) << reply.body;
        if (reply.status == status) {
            EXPECT_EQ(reply.json().at("error").at("field").as_string(), field) << reply.body;
        }
    }

    static inline scratch_database* db = nullptr;
    static inline server_process* server = nullptr;
    static inline std::string key;
    static inline std::string video_id, other_video_id, offer_id;
    static inline std::string link_ids[3];
    static inline std::filesystem::path data_dir;
};

constexpr char const* k_period = "from=2026-03-10&to=2026-03-12";

TEST_F(link_and_video_pages, a_links_curve_counts_its_clicks_and_sales_on_the_days_of_the_zone)
{
    auto const base = "/api/v1/links/" + link_ids[0] + "/daily?" + k_period;
    // UTC: 03-10 {pg1 pg2 pg3} + S1 S2; 03-11 {pg4} (pg5 a bot; S4 rejected).
    auto const in_utc = get(base + "&tz=UTC");
    EXPECT_EQ(days(in_utc), "2026-03-10=3/2/1500 2026-03-11=1/0/0");
    EXPECT_EQ(in_utc.at("label").as_string(), "Page A");
    EXPECT_EQ(in_utc.at("slug").as_string(), "page-a");
    EXPECT_EQ(std::to_string(in_utc.at("video_id").as_int64()), video_id);
    EXPECT_EQ(in_utc.at("video_label").as_string(), "Unboxing");
    // Paris: pg3 and S2 move to 03-11.
    auto const in_paris = get(base + "&tz=Europe/Paris");
    EXPECT_EQ(in_paris.at("tz").as_string(), "Europe/Paris");
    EXPECT_EQ(in_paris.at("from").as_string(), "2026-03-09T23:00:00Z");
    EXPECT_EQ(days(in_paris), "2026-03-10=2/1/1000 2026-03-11=2/1/500");
    auto const& total = in_paris.at("totals").at(0);
    EXPECT_EQ(total.at("currency").as_string(), "EUR");
    EXPECT_EQ(total.at("clicks").as_int64(), 4);
    EXPECT_EQ(total.at("conversions").as_int64(), 2);
    EXPECT_EQ(total.at("revenue_minor").as_int64(), 15000);
    EXPECT_EQ(total.at("commission_minor").as_int64(), 1500);
    EXPECT_EQ(total.at("epc_minor").as_int64(), 375); // 1500 / 4
    // A link without a video or a sale: one total without a currency.
    auto const lone = get("/api/v1/links/" + link_ids[2] + "/daily?" + k_period + "&tz=UTC");
    EXPECT_EQ(days(lone), "2026-03-10=0/0/0 2026-03-11=1/0/0");
    EXPECT_TRUE(lone.at("video_id").is_null());
    EXPECT_TRUE(lone.at("totals").at(0).at("currency").is_null());
}

// The revenue report's row for `key` (and EUR), or an empty object.
boost::json::object report_row(boost::json::object const& report, std::string const& key)
{
    for (auto const& row : report.at("rows").as_array())
        if (!row.at("key").is_null() && row.at("key").as_string() == key && !row.at("currency").is_null() &&
            row.at("currency").as_string() == "EUR")
            return row.as_object();
    return {};
}

// "field=value" for each figure of a curve's total that the report's row has too.
std::string shared_figures(boost::json::object const& total, boost::json::object const& row)
{
    std::string out;
    for (auto const& [field, value] : total)
        if (auto const* other = row.if_contains(field))
            out += std::string(field) + "=" + boost::json::serialize(value) + (value == *other ? " " : "!=" + boost::json::serialize(*other) + " ");
    return out;
}

// A period that ends inside a day (to=2026-03-11T10:00:00Z is 11:00 in Paris) has that day's
// morning as the last point of both pages, counted as the revenue report counts it, and the
// pages' totals are the report's rows. Paris 03-11 up to 11:00 holds pg3 (00:30), pg4 (10:00) and
// S2 (00:45, 5.00 commission); pg5 is a bot, S4 (11:00, rejected), pg6 and S3 come later.
TEST_F(link_and_video_pages, a_period_ending_inside_a_day_counts_that_days_morning_as_the_revenue_report_does)
{
    // The video's views: 03-10 whole in the period, 03-11 only its morning. A figure of a whole
    // day belongs to the period that holds the rest of its day, as in the revenue report.
    auto const stats = call("PUT", "/api/v1/videos/" + video_id + "/stats",
                            R"({"days":[{"date":"2026-03-10","views":1000},{"date":"2026-03-11","views":500}]})");
    ASSERT_EQ(stats.status, 200) << stats.body;
    std::string const period = "from=2026-03-10&to=2026-03-11T10:00:00Z&tz=Europe/Paris";
    auto const link = get("/api/v1/links/" + link_ids[0] + "/daily?" + period);
    EXPECT_EQ(link.at("to").as_string(), "2026-03-11T10:00:00Z");
    EXPECT_EQ(days(link), "2026-03-10=2/1/1000 2026-03-11=2/1/500");
    auto const video = get("/api/v1/videos/" + video_id + "/daily?" + period);
    EXPECT_EQ(days(video), "2026-03-10=2/1/1000 2026-03-11=2/1/500");
    ASSERT_EQ(video.at("days").as_array().size(), 2u);
    EXPECT_EQ(video.at("days").at(0).at("views").as_int64(), 1000);
    EXPECT_TRUE(video.at("days").at(1).at("views").is_null()) << boost::json::serialize(video.at("days").at(1));
    // The link's total and the video's are the revenue report's rows for the same period.
    auto const& link_total = link.at("totals").at(0).as_object();
    EXPECT_EQ(link_total.at("clicks").as_int64(), 4);
    EXPECT_EQ(link_total.at("commission_minor").as_int64(), 1500);
    auto const by_link = report_row(get("/api/v1/reports/revenue?group_by=link&" + period), link_ids[0]);
    ASSERT_FALSE(by_link.empty());
    auto const link_figures = shared_figures(link_total, by_link);
    EXPECT_EQ(link_figures.find("!="), std::string::npos) << link_figures;
    EXPECT_NE(link_figures.find("epc_minor=375 "), std::string::npos) << link_figures;
    auto const& video_total = video.at("totals").at(0).as_object();
    EXPECT_EQ(video_total.at("clicks").as_int64(), 4);
    EXPECT_EQ(video_total.at("views").as_int64(), 1000);
    EXPECT_EQ(video_total.at("other_income_minor").as_int64(), 0); // 03-11's 2.50 is the next period's
    auto const by_video = report_row(get("/api/v1/reports/revenue?group_by=video&" + period), video_id);
    ASSERT_FALSE(by_video.empty());
    auto const video_figures = shared_figures(video_total, by_video);
    EXPECT_EQ(video_figures.find("!="), std::string::npos) << video_figures;
    EXPECT_NE(video_figures.find("rpm_minor="), std::string::npos) << video_figures;
    // Day by day too: the report's 03-11 (all links) holds page-a's two clicks and pg7's none yet.
    auto const by_day = get("/api/v1/reports/revenue?group_by=day&" + period);
    EXPECT_EQ(report_row(by_day, "2026-03-11").at("commission_minor").as_int64(), 500);
    // The rest of 03-11 is the next period's: its clicks, sales, views and income, none twice.
    auto const rest = get("/api/v1/videos/" + video_id + "/daily?from=2026-03-11T10:00:00Z&to=2026-03-12&tz=Europe/Paris");
    EXPECT_EQ(days(rest), "2026-03-11=1/1/200");
    EXPECT_EQ(rest.at("days").at(0).at("views").as_int64(), 500);
    EXPECT_EQ(rest.at("totals").at(0).at("other_income_minor").as_int64(), 250);
}

TEST_F(link_and_video_pages, clicks_split_by_source_country_device_os_and_referrer_host)
{
    auto const link = std::string(k_period) + "&tz=UTC&link_id=" + link_ids[0];
    EXPECT_EQ(split("group_by=source&" + link), "tiktok=2 direct=1 instagram=1");
    EXPECT_EQ(split("group_by=country&" + link), "FR=2 BE=1 unknown=1");
    EXPECT_EQ(split("group_by=device&" + link), "mobile=3 desktop=1");
    EXPECT_EQ(split("group_by=os&" + link), "ios=2 android=1 other=1");
    // Hosts only, lower-cased; a click without a referrer has none.
    EXPECT_EQ(split("group_by=referrer&" + link), "www.tiktok.com=2 l.instagram.com=1 -=1");
    auto const report = get("/api/v1/reports/clicks?group_by=country&" + link);
    EXPECT_EQ(report.at("basis").as_string(), "raw_clicks");
    EXPECT_EQ(report.at("clicks").as_int64(), 4);
    EXPECT_EQ(get("/api/v1/reports/clicks?group_by=source&" + link).at("basis").as_string(), "rollups");
    // The video: both its links (page-b's pg6 too), never the lone link's pg7.
    auto const video = std::string(k_period) + "&tz=UTC&video_id=" + video_id;
    EXPECT_EQ(split("group_by=country&" + video), "FR=2 BE=1 DE=1 unknown=1");
    EXPECT_EQ(split("group_by=source&" + video), "tiktok=2 direct=1 instagram=1 youtube=1");
    // Everything: the lone link's click too.
    EXPECT_EQ(split(std::string("group_by=device&") + k_period + "&tz=UTC"), "mobile=4 desktop=1 tablet=1");
    // The zone moves the period's ends: 03-11 in UTC holds pg4; in Paris pg3 (00:30) and pg4.
    EXPECT_EQ(split("group_by=country&from=2026-03-11&to=2026-03-12&tz=UTC&link_id=" + link_ids[0]), "unknown=1");
    EXPECT_EQ(split("group_by=country&from=2026-03-11&to=2026-03-12&tz=Europe/Paris&link_id=" + link_ids[0]),
              "BE=1 unknown=1");
    EXPECT_EQ(split("group_by=source&from=2026-03-11&to=2026-03-12&tz=Europe/Paris&link_id=" + link_ids[0]),
              "direct=1 instagram=1");
}

TEST_F(link_and_video_pages, sales_and_income_of_a_link_and_of_a_video)
{
    // Newest first, rejected ones listed with their status.
    EXPECT_EQ(sales(std::string(k_period) + "&tz=UTC&link_id=" + link_ids[0]),
              "2026-03-11/rejected/3000/300 2026-03-10/pending/5000/500 2026-03-10/approved/10000/1000");
    EXPECT_EQ(sales(std::string(k_period) + "&tz=Europe/Paris&video_id=" + video_id),
              "2026-03-11/pending/2000/200 2026-03-11/rejected/3000/300 2026-03-11/pending/5000/500 "
              "2026-03-10/approved/10000/1000");
    EXPECT_EQ(sales(std::string(k_period) + "&tz=UTC&link_id=" + link_ids[2]), "");
    // Income is the video's; a link shows its video's.
    auto const of_video = get("/api/v1/reports/income?" + std::string(k_period) + "&tz=UTC&video_id=" + video_id);
    ASSERT_EQ(of_video.at("rows").as_array().size(), 1u) << boost::json::serialize(of_video);
    EXPECT_EQ(of_video.at("rows").at(0).at("amount_minor").as_int64(), 250);
    EXPECT_EQ(of_video.at("rows").at(0).at("day").as_string(), "2026-03-11");
    EXPECT_EQ(of_video.at("rows").at(0).at("stream").as_string(), "creator_rewards");
    auto const of_link = get("/api/v1/reports/income?" + std::string(k_period) + "&tz=UTC&link_id=" + link_ids[0]);
    EXPECT_EQ(boost::json::serialize(of_link.at("rows")), boost::json::serialize(of_video.at("rows")));
    EXPECT_EQ(std::to_string(of_link.at("video_id").as_int64()), video_id);
    auto const of_lone = get("/api/v1/reports/income?" + std::string(k_period) + "&tz=UTC&link_id=" + link_ids[2]);
    EXPECT_TRUE(of_lone.at("video_id").is_null());
    EXPECT_TRUE(of_lone.at("rows").as_array().empty());
}

TEST_F(link_and_video_pages, bad_input_is_a_400_naming_the_field_and_an_unknown_id_a_404)
{
    expect_error(call("GET", "/api/v1/reports/clicks?group_by=planet"), 400, "group_by");
    expect_error(call("GET", "/api/v1/reports/clicks?group_by=country&link_id=abc"), 400, "link_id");
    expect_error(call("GET", "/api/v1/reports/clicks?group_by=country&link_id=-3"), 400, "link_id");
    expect_error(call("GET", "/api/v1/reports/clicks?link_id=" + link_ids[0] + "&video_id=" + video_id), 400, "video_id");
    expect_error(call("GET", "/api/v1/reports/clicks?tz=Mars/Olympus"), 400, "tz");
    expect_error(call("GET", "/api/v1/reports/clicks?from=yesterday"), 400, "from");
    expect_error(call("GET", "/api/v1/reports/sales"), 400, "link_id");
    expect_error(call("GET", "/api/v1/reports/income?video_id=1x"), 400, "video_id");
    expect_error(call("GET", "/api/v1/links/" + link_ids[0] + "/daily?from=2024-01-01&to=2026-01-01"), 400, "from");
    expect_error(call("GET", "/api/v1/links/" + link_ids[0] + "/daily?tz=Nowhere"), 400, "tz");
    expect_error(call("GET", "/api/v1/links/999999/daily"), 404, "id");
    expect_error(call("GET", "/api/v1/links/abc/daily"), 404, "id");
    expect_error(call("GET", "/api/v1/reports/clicks?link_id=999999"), 404, "link_id");
    expect_error(call("GET", "/api/v1/reports/sales?video_id=999999"), 404, "video_id");
    expect_error(call("GET", "/api/v1/reports/income?link_id=999999"), 404, "link_id");
    // Without a key: none of it.
    EXPECT_EQ(api(server->port(), "GET", "/api/v1/reports/clicks", "").status, 401);
}

// Last in the file: it deletes "lone". A deleted link keeps its row in the link ranking (its
// clicks stay), marked deleted, so the dashboard does not offer its page, which now answers 404.
TEST_F(link_and_video_pages, a_deleted_links_ranking_row_says_so)
{
    auto const deleted_of = [](boost::json::object const& report) {
        std::string out;
        for (auto const& row : report.at("rows").as_array())
            out += std::string(row.at("key").as_string()) + "=" + (row.at("deleted").as_bool() ? "deleted" : "live") + " ";
        return out;
    };
    auto const query = "/api/v1/reports/revenue?group_by=link&" + std::string(k_period) + "&tz=UTC";
    auto const before = deleted_of(get(query));
    EXPECT_NE(before.find(link_ids[2] + "=live"), std::string::npos) << before;
    ASSERT_EQ(call("DELETE", "/api/v1/links/" + link_ids[2]).status, 204);
    auto const after = deleted_of(get(query));
    EXPECT_NE(after.find(link_ids[2] + "=deleted"), std::string::npos) << after;
    EXPECT_NE(after.find(link_ids[0] + "=live"), std::string::npos) << after;
    EXPECT_EQ(call("GET", "/api/v1/links/" + link_ids[2]).status, 404);
    // Other groupings carry no such field.
    EXPECT_FALSE(get("/api/v1/reports/revenue?group_by=video&" + std::string(k_period) + "&tz=UTC")
                     .at("rows").at(0).as_object().contains("deleted"));
}

} // namespace
