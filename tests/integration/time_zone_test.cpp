// The creator's time zone over the real server and PostgreSQL. Clicks are written to the click
// journal at chosen instants (around Europe/Paris's daylight-saving changes: 2026-03-29 is a
// 23-hour day there, 2026-10-25 a 25-hour one; and for Asia/Kolkata, +05:30) before the server
// starts, so the real shipper files them into the rollups; sales are entered at chosen instants
// through the API. Every expected figure is counted by hand in the comments.
#include "instance.hpp"

#include "clicks/click_journal.hpp"
#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <set>
#include <pqxx/pqxx>

#include <filesystem>
#include <regex>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

struct placed_click {
    char const* at; // UTC
    bool bot = false;
};

// One link, source tiktok, each click from its own visitor (so unique clicks = clicks).
//   Paris is UTC+1 until 2026-03-29 01:00Z, then UTC+2 until 2026-10-25 01:00Z, then UTC+1.
constexpr placed_click k_clicks[] = {
    {"2026-03-28T22:30:00Z"},       // a  Paris 03-28 23:30
    {"2026-03-28T23:10:00Z"},       // b  Paris 03-29 00:10 (+01)
    {"2026-03-29T00:59:00Z"},       // c  Paris 03-29 01:59 (+01), the last minute before the jump
    {"2026-03-29T01:00:00Z"},       // d  Paris 03-29 03:00 (+02): 02:00-03:00 never happens
    {"2026-03-29T01:05:00Z", true}, //    a bot in d's hour: never a click
    {"2026-03-29T18:29:00Z"},       // p  Paris 20:29; Kolkata 03-29 23:59
    {"2026-03-29T18:30:00Z"},       // q  Paris 20:30; Kolkata 03-30 00:00
    {"2026-03-29T18:44:00Z"},       // r  Paris 20:44; Kolkata 03-30 00:14
    {"2026-03-29T21:59:00Z"},       // e  Paris 03-29 23:59 (+02); Kolkata 03-30 03:29
    {"2026-03-29T22:00:00Z"},       // f  Paris 03-30 00:00; Kolkata 03-30 03:30
    {"2026-03-30T21:30:00Z"},       // g  Paris 03-30 23:30
    {"2026-03-30T22:30:00Z"},       // h  Paris 03-31 00:30
    {"2026-10-24T21:59:00Z"},       // i  Paris 10-24 23:59 (+02)
    {"2026-10-24T22:00:00Z"},       // j  Paris 10-25 00:00 (+02)
    {"2026-10-25T00:30:00Z"},       // k  Paris 10-25 02:30 (+02), the first 02:00 hour
    {"2026-10-25T01:30:00Z"},       // l  Paris 10-25 02:30 (+01), the second one
    {"2026-10-25T01:45:00Z"},       // m  Paris 10-25 02:45 (+01)
    {"2026-10-25T22:59:00Z"},       // n  Paris 10-25 23:59 (+01)
    {"2026-10-25T23:00:00Z"},       // o  Paris 10-26 00:00
};

std::chrono::system_clock::time_point utc(std::string const& text)
{
    std::tm tm{};
    strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

class time_zone : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        db = new scratch_database("time_zone");
        auto const created = run_linkledger({"api-key", "create", "--name", "tests"},
                                            {{"LINKLEDGER_DATABASE_URL", db->url()}});
        ASSERT_EQ(created.exit_code, 0) << created.err; // also migrates
        key = last_line(created.out);
        link_id = std::stoll(db->query_value(
            "INSERT INTO links (slug, target_url) VALUES ('dst', 'https://shop.example/p') RETURNING id"));
        data_dir = std::filesystem::temp_directory_path() / ("ll-time-zone-" + std::to_string(::getpid()));
        std::filesystem::remove_all(data_dir);
        {
            linkledger::clicks::click_journal journal(data_dir / "journal");
            int n = 0;
            for (auto const& placed : k_clicks) {
                linkledger::clicks::click c;
                c.click_id = "tz" + std::to_string(++n);
                c.link_id = link_id;
                c.at = utc(placed.at);
                c.ip_anon = "203.0.113." + std::to_string(n);
                c.user_agent = "Mozilla/5.0 (iPhone) musical_ly";
                c.source = "tiktok";
                c.in_app = "tiktok";
                c.device = "mobile";
                c.os = "ios";
                c.country = "FR";
                c.bot = placed.bot;
                c.bot_reason = placed.bot ? "test" : "";
                ASSERT_TRUE(journal.append(c));
            }
        }
        environment env{{"LINKLEDGER_TIMEZONE", "Europe/Paris"}};
        if (std::filesystem::exists(source_file("data/geoip/country.mmdb")))
            env["LINKLEDGER_GEOIP_DB"] = source_file("data/geoip/country.mmdb");
        server = new server_process(db->url(), env, data_dir.string());
        ASSERT_EQ(db->wait_for_value("SELECT sum(clicks) || '/' || sum(bot_hits) FROM click_rollups_quarter_hourly",
                                     "18/1", 30s),
                  "18/1");
        auto const offer = api(server->port(), "POST", "/api/v1/offers",
                               R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
        ASSERT_EQ(offer.status, 201) << offer.body;
        offer_id = offer.json().at("id").as_int64();
        // Sales at chosen instants: S1 Paris 03-29 00:30 (UTC 03-28); S2 Paris 10-25 02:15, the
        // second 02:00 hour (+01); S3 Paris 10-25 02:15 the first time (+02); S4 Paris 03-29 20:40,
        // Kolkata 03-30 00:10.
        sale("S1", 10000, "2026-03-28T23:30:00Z");
        sale("S2", 20000, "2026-10-25T01:15:00Z");
        sale("S3", 30000, "2026-10-25T00:15:00Z");
        sale("S4", 40000, "2026-03-29T18:40:00Z");
    }
    static void TearDownTestSuite()
    {
        delete server;
        server = nullptr;
        delete db;
        db = nullptr;
        std::filesystem::remove_all(data_dir);
    }

    static void sale(std::string const& txid, int amount, std::string const& at)
    {
        auto const reply = api(server->port(), "POST", "/api/v1/conversions",
                               R"({"offer_id":)" + std::to_string(offer_id) + R"(,"txid":")" + txid +
                                   R"(","amount_minor":)" + std::to_string(amount) + R"(,"status":"approved","occurred_at":")" +
                                   at + R"("})");
        ASSERT_EQ(reply.status, 201) << reply.body;
    }

    static boost::json::object get(std::string const& target)
    {
        auto const reply = api(server->port(), "GET", target, key);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
        return reply.json().as_object();
    }

    // "key=clicks/conversions/revenue" per row, in the report's order.
    static std::string rows(boost::json::object const& report)
    {
        if (!report.contains("rows"))
            return boost::json::serialize(report);
        std::string out;
        for (auto const& row : report.at("rows").as_array()) {
            auto const& r = row.as_object();
            if (!out.empty())
                out += ' ';
            if (!r.at("key").is_null()) // the sales of no link, video, ...
                out += std::string(r.at("key").as_string());
            out += '=';
            out += std::to_string(r.at("clicks").as_int64());
            out += '/';
            out += std::to_string(r.at("conversions").as_int64());
            out += '/';
            out += r.at("currency").is_null() ? "0" : std::to_string(r.at("revenue_minor").as_int64());
        }
        return out;
    }

    static std::string busy_cells(boost::json::object const& map)
    {
        std::string out;
        for (auto const& cell : map.at("cells").as_array()) {
            auto const& c = cell.as_object();
            if (c.at("clicks").as_int64() == 0)
                continue;
            if (!out.empty())
                out += ',';
            out += std::to_string(c.at("dow").as_int64());
            out += '/';
            out += std::to_string(c.at("hour").as_int64());
            out += '/';
            out += std::to_string(c.at("clicks").as_int64());
        }
        return out;
    }

    static http_reply api(unsigned short port, std::string const& method, std::string const& target,
                          std::string const& body = "")
    {
        return linkledger::testing::api(port, method, target, key, body);
    }
    static http_reply api(unsigned short port, std::string const& method, std::string const& target,
                          std::string const& k, std::string const& body)
    {
        return linkledger::testing::api(port, method, target, k, body);
    }

    static inline scratch_database* db = nullptr;
    static inline server_process* server = nullptr;
    static inline std::string key;
    static inline std::int64_t link_id = 0;
    static inline std::int64_t offer_id = 0;
    static inline std::filesystem::path data_dir;
};

TEST_F(time_zone, paris_days_across_the_spring_change_are_23_hours_and_hold_their_clicks_and_sales)
{
    // Paris days: 03-28 {a}; 03-29 {b c d p q r e} + S1, S4; 03-30 {f g}; h is 03-31, outside.
    auto const paris = get("/api/v1/reports/revenue?group_by=day&from=2026-03-28&to=2026-03-31&tz=Europe/Paris");
    EXPECT_EQ(paris.at("tz").as_string(), "Europe/Paris");
    EXPECT_EQ(paris.at("from").as_string(), "2026-03-27T23:00:00Z");
    EXPECT_EQ(paris.at("to").as_string(), "2026-03-30T22:00:00Z");
    EXPECT_EQ(rows(paris), "2026-03-28=1/0/0 2026-03-29=7/2/50000 2026-03-30=2/0/0");
    // The same clicks in UTC days: 03-28 {a b} + S1; 03-29 {c d p q r e f} + S4; 03-30 {g h}.
    auto const in_utc = get("/api/v1/reports/revenue?group_by=day&from=2026-03-28&to=2026-03-31&tz=UTC");
    EXPECT_EQ(rows(in_utc), "2026-03-28=2/1/10000 2026-03-29=7/1/40000 2026-03-30=2/0/0");

    // The 23 hours of 03-29 in Paris: 02:00 never happens; p q r and S4 are at 20:xx (+02).
    auto const hours = get("/api/v1/reports/revenue?group_by=hour&from=2026-03-29&to=2026-03-30&tz=Europe/Paris");
    EXPECT_EQ(hours.at("from").as_string(), "2026-03-28T23:00:00Z");
    EXPECT_EQ(hours.at("to").as_string(), "2026-03-29T22:00:00Z");
    EXPECT_EQ(rows(hours), "2026-03-29T00:00:00+01:00=1/1/10000 2026-03-29T01:00:00+01:00=1/0/0 "
                           "2026-03-29T03:00:00+02:00=1/0/0 2026-03-29T20:00:00+02:00=3/1/40000 "
                           "2026-03-29T23:00:00+02:00=1/0/0");

    // Per link, whole UTC days come from the daily totals and the ends from the quarter-hours:
    // 03-28..03-30 in Paris is 03-27 23:00Z..03-30 22:00Z: UTC days 03-28 and 03-29 whole
    // {a b c d p q r e f}, then 03-30 up to 22:00Z {g}, not h: 10 clicks.
    auto const by_link = get("/api/v1/reports/revenue?group_by=link&from=2026-03-28&to=2026-03-31&tz=Europe/Paris");
    EXPECT_EQ(rows(by_link), "=0/2/50000 " + std::to_string(link_id) + "=10/0/0") << "sales by hand have no link";
    // One Paris day lies within two UTC days, all of it from the quarter-hours: {b c d p q r e}.
    auto const one_day = get("/api/v1/reports/revenue?group_by=source&from=2026-03-29&to=2026-03-30&tz=Europe/Paris");
    EXPECT_EQ(rows(one_day), "unattributed=0/2/50000 tiktok=7/0/0");
}

TEST_F(time_zone, paris_hours_across_the_autumn_change_keep_the_two_2_oclocks_apart)
{
    // 10-25 in Paris is 25 hours, 10-24 22:00Z to 10-25 23:00Z: {j k l m n}, S2, S3.
    auto const days = get("/api/v1/reports/revenue?group_by=day&from=2026-10-24&to=2026-10-27&tz=Europe/Paris");
    EXPECT_EQ(rows(days), "2026-10-24=1/0/0 2026-10-25=5/2/50000 2026-10-26=1/0/0");
    auto const hours = get("/api/v1/reports/revenue?group_by=hour&from=2026-10-25&to=2026-10-26&tz=Europe/Paris");
    EXPECT_EQ(hours.at("from").as_string(), "2026-10-24T22:00:00Z");
    EXPECT_EQ(hours.at("to").as_string(), "2026-10-25T23:00:00Z");
    // k and S3 in the first 02:00 (+02), l m and S2 in the second (+01), in that order.
    EXPECT_EQ(rows(hours), "2026-10-25T00:00:00+02:00=1/0/0 2026-10-25T02:00:00+02:00=1/1/30000 "
                           "2026-10-25T02:00:00+01:00=2/1/20000 2026-10-25T23:00:00+01:00=1/0/0");
    auto const by_link = get("/api/v1/reports/revenue?group_by=link&from=2026-10-25&to=2026-10-26&tz=Europe/Paris");
    EXPECT_EQ(rows(by_link), "=0/2/50000 " + std::to_string(link_id) + "=5/0/0");
    // Sunday 10-25 in the heatmap: 00:00 {j}, 02:00 twice over {k l m}, 23:00 {n}.
    EXPECT_EQ(busy_cells(get("/api/v1/reports/heatmap?from=2026-10-25&to=2026-10-26&tz=Europe/Paris")),
              "6/0/1,6/2/3,6/23/1");
    // Sunday 03-29: 00:00 {b}, 01:00 {c}, 03:00 {d} (the bot is no click), 20:00 {p q r}, 23:00 {e}.
    auto const spring = get("/api/v1/reports/heatmap?from=2026-03-29&to=2026-03-30&tz=Europe/Paris");
    EXPECT_EQ(busy_cells(spring), "6/0/1,6/1/1,6/3/1,6/20/3,6/23/1");
    EXPECT_EQ(spring.at("bot_hits").as_int64(), 1);
}

TEST_F(time_zone, kolkata_half_hours_file_each_click_under_its_own_local_day_and_hour)
{
    // 03-30 in Kolkata is 03-29 18:30Z to 03-30 18:30Z: q r (00:00, 00:14), e f (03:29, 03:30);
    // p, at 23:59 on 03-29, is not in it. S4 is at 00:10.
    auto const day = get("/api/v1/reports/revenue?group_by=day&from=2026-03-30&to=2026-03-31&tz=Asia/Kolkata");
    EXPECT_EQ(day.at("from").as_string(), "2026-03-29T18:30:00Z");
    EXPECT_EQ(rows(day), "2026-03-30=4/1/40000");
    auto const hours = get("/api/v1/reports/revenue?group_by=hour&from=2026-03-30&to=2026-03-31&tz=Asia/Kolkata");
    EXPECT_EQ(rows(hours), "2026-03-30T00:00:00+05:30=2/1/40000 2026-03-30T03:00:00+05:30=2/0/0");
    auto const by_link = get("/api/v1/reports/revenue?group_by=link&from=2026-03-30&to=2026-03-31&tz=Asia/Kolkata");
    EXPECT_EQ(rows(by_link), "=0/1/40000 " + std::to_string(link_id) + "=4/0/0");
    // Monday 03-30: 00:00 {q r}, 03:00 {e f}.
    EXPECT_EQ(busy_cells(get("/api/v1/reports/heatmap?from=2026-03-30&to=2026-03-31&tz=Asia/Kolkata")), "0/0/2,0/3/2");
}

TEST_F(time_zone, without_tz_the_instance_zone_applies_and_instants_with_an_offset_stay_instants)
{
    // LINKLEDGER_TIMEZONE=Europe/Paris for this server.
    auto const paris = get("/api/v1/reports/revenue?group_by=day&from=2026-03-29&to=2026-03-30");
    EXPECT_EQ(paris.at("tz").as_string(), "Europe/Paris");
    EXPECT_EQ(rows(paris), "2026-03-29=7/2/50000");
    auto const instants = get("/api/v1/reports/revenue?group_by=day&from=2026-03-29T00:00:00Z&to=2026-03-29T02:00:00%2B02:00");
    EXPECT_EQ(instants.at("from").as_string(), "2026-03-29T00:00:00Z");
    EXPECT_EQ(instants.at("to").as_string(), "2026-03-29T00:00:00Z");
    // The default period ends with today in Paris: 30 local days. Paris's midnight (23:00 UTC
    // in winter) may pass during the request: its today is read before and after.
    auto const end_of_today_in_paris = [&] {
        return db->query_value("SELECT to_char((date_trunc('day', now() AT TIME ZONE 'Europe/Paris') + interval '1 day') "
                               "AT TIME ZONE 'Europe/Paris' AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    };
    auto const before = end_of_today_in_paris();
    auto const recent = get("/api/v1/reports/revenue?group_by=day");
    auto const after = end_of_today_in_paris();
    std::string const to(recent.at("to").as_string());
    EXPECT_TRUE(to == before || to == after) << to << " is neither " << before << " nor " << after;
    EXPECT_EQ(get("/api/v1/reports/heatmap").at("tz").as_string(), "Europe/Paris");
}

// A sale's time without an offset (a network report's date, a sale typed by hand) is a wall
// clock of the instance's zone, as the reports' from and to are, and so are the sales list's from
// and to. Read as UTC, a Paris sale at 23:30 on November 30 was December's, and a report's
// "2026-11-01" was October's in New York.
TEST_F(time_zone, a_time_without_an_offset_is_the_instance_zone_s_wall_clock_at_every_door)
{
    auto const offer = api(server->port(), "POST", "/api/v1/offers", R"({"name":"Network","currency":"EUR","commission":{"type":"reported"}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const id = std::to_string(offer.json().at("id").as_int64());
    auto const by_hand = api(server->port(), "POST", "/api/v1/conversions",
                             R"({"offer_id":)" + id + R"(,"txid":"NAIVE-1","amount_minor":1000,"commission_minor":100,"occurred_at":"2026-11-30T23:30:00"})");
    ASSERT_EQ(by_hand.status, 201) << by_hand.body;
    EXPECT_EQ(by_hand.json().at("occurred_at").as_string(), "2026-11-30T22:30:00Z");
    auto const imported = api(server->port(), "POST", "/api/v1/conversions/import?offer_id=" + id,
                              "txid,date,amount,commission\nNAIVE-2,2026-11-01,50.00,5.00\nNAIVE-3,2026-12-01 00:30:00,20.00,2.00\n"
                              "ZONED-4,2026-11-01T00:30:00Z,30.00,3.00\n");
    ASSERT_EQ(imported.status, 200) << imported.body;
    auto const stored = [&](char const* txid) {
        return db->query_value(std::string("SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM conversions WHERE txid = '") +
                               txid + "'");
    };
    EXPECT_EQ(stored("NAIVE-2"), "2026-10-31 23:00");
    EXPECT_EQ(stored("NAIVE-3"), "2026-11-30 23:30");
    EXPECT_EQ(stored("ZONED-4"), "2026-11-01 00:30") << "an instant with its offset stays that instant";

    // November in Paris holds NAIVE-1, NAIVE-2 and ZONED-4, not NAIVE-3 (December 1 in Paris).
    auto const listed = [&](std::string const& query) {
        std::set<std::string> txids;
        auto const page = get("/api/v1/conversions?offer_id=" + id + query);
        for (auto const& c : page.at("conversions").as_array())
            txids.insert(std::string(c.at("txid").as_string()));
        std::string out;
        for (auto const& t : txids)
            out += (out.empty() ? "" : " ") + t;
        return out;
    };
    EXPECT_EQ(listed("&from=2026-11-01&to=2026-12-01"), "NAIVE-1 NAIVE-2 ZONED-4");
    EXPECT_EQ(listed("&from=2026-11-01&to=2026-12-01&tz=UTC"), "NAIVE-1 NAIVE-3 ZONED-4");
    EXPECT_EQ(listed("&from=2026-11-30T23:00:00Z&to=2026-12-01T00:00:00%2B01:00"), "");
    auto const revenue = get("/api/v1/reports/revenue?group_by=offer&from=2026-11-01&to=2026-12-01");
    std::int64_t november = 0;
    for (auto const& row : revenue.at("rows").as_array())
        if (row.at("key").is_string() && row.at("key").as_string() == id)
            november += row.at("revenue_minor").as_int64();
    EXPECT_EQ(november, 1000 + 5000 + 3000) << "the list and the report agree on November";
}

// An income entry's date given as an instant is the day that instant falls on in the instance's
// zone: 23:30 UTC on November 30 is 00:30 on December 1 in Paris, however it is spelled. It was
// cut to its written date, so the same instant was booked on 11-30 or 12-01 by its spelling.
TEST_F(time_zone, an_income_date_given_as_an_instant_is_its_day_in_the_instance_zone)
{
    auto const day_of = [&](std::string const& date) {
        auto const reply = api(server->port(), "POST", "/api/v1/income",
                               R"({"stream":"brand_deals","amount_minor":500,"currency":"EUR","date":")" + date + "\"}");
        EXPECT_EQ(reply.status, 201) << reply.body;
        return std::string(reply.json().at("date").as_string());
    };
    EXPECT_EQ(day_of("2026-11-30T23:30:00Z"), "2026-12-01");
    EXPECT_EQ(day_of("2026-12-01T00:30:00+01:00"), "2026-12-01");
    EXPECT_EQ(day_of("2026-11-30T18:30:00-05:00"), "2026-12-01") << "New York's evening is Paris's night";
    EXPECT_EQ(day_of("2026-11-30"), "2026-11-30") << "a date stays that date";
    EXPECT_EQ(day_of("2026-11-30T23:30:00"), "2026-11-30") << "a time without an offset is Paris's wall clock";
}

// The list's from and to read an instant as an entry's date is filed: its day in the instance's
// zone. "2026-03-01T23:30:00-05:00" is 05:30 on March 2 in Paris; it was cut to its written date,
// March 1, so the list answered for other days than the ones the same instants file entries on.
TEST_F(time_zone, the_income_list_reads_from_and_to_given_as_instants_on_their_day_in_the_instance_zone)
{
    for (auto const* day : {"2026-03-01", "2026-03-02", "2026-03-03"}) {
        auto const reply = api(server->port(), "POST", "/api/v1/income",
                               std::string(R"({"stream":"other","amount_minor":100,"currency":"EUR","note":"edge","date":")") +
                                   day + "\"}");
        ASSERT_EQ(reply.status, 201) << reply.body;
    }
    auto const days_listed = [&](std::string const& query) {
        auto const reply = api(server->port(), "GET", "/api/v1/income?limit=100&" + query, "");
        EXPECT_EQ(reply.status, 200) << reply.body;
        auto const body = reply.json();
        std::string days;
        for (auto const& e : body.at("income").as_array())
            if (e.at("note").as_string() == "edge")
                days += (days.empty() ? "" : ",") + std::string(e.at("date").as_string());
        return days;
    };
    EXPECT_EQ(days_listed("from=2026-03-01T23:30:00-05:00&to=2026-03-02T23:30:00-05:00"), "2026-03-02");
    EXPECT_EQ(days_listed("from=2026-03-01T23:30:00Z&to=2026-03-02T23:30:00Z"), "2026-03-02")
        << "23:30 UTC is 00:30 the next day in Paris";
    EXPECT_EQ(days_listed("from=2026-03-02&to=2026-03-03"), "2026-03-02") << "a date stays that date";
    EXPECT_EQ(days_listed("from=2026-03-01T23:30:00&to=2026-03-02T23:30:00"), "2026-03-01")
        << "a time without an offset is Paris's wall clock";
}

TEST_F(time_zone, a_user_picks_their_own_zone_and_bad_names_are_refused_naming_the_field)
{
    auto const created = run_linkledger({"user", "add", "--email", "viewer@example.com", "--role", "viewer"},
                                        {{"LINKLEDGER_DATABASE_URL", db->url()}});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auto const password = last_line(created.out);
    auto const form = send(server->port(), {"GET", "/login", "", {}});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(form.body, m, std::regex("name=\"csrf\" value=\"([A-Za-z0-9]+)\"")));
    std::string const login_csrf = m[1];
    auto const login = send(server->port(), {"POST", "/login",
                                             "email=viewer@example.com&password=" + password + "&next=/dashboard&csrf=" + login_csrf,
                                             {{"Content-Type", "application/x-www-form-urlencoded"},
                                              {"Cookie", "ll_login_csrf=" + login_csrf}}});
    ASSERT_EQ(login.status, 303) << login.body;
    auto const set_cookie = login.header("Set-Cookie");
    ASSERT_TRUE(std::regex_search(set_cookie, m, std::regex("ll_session=([A-Za-z0-9]+)")));
    std::string const cookie = "ll_session=" + std::string(m[1]);
    auto const who = send(server->port(), {"GET", "/api/v1/session", "", {{"Cookie", cookie}}});
    std::string const csrf(who.json().at("csrf_token").as_string());
    auto const as_user = [&](std::string const& method, std::string const& target, std::string const& body = "",
                             bool with_csrf = true) {
        std::map<std::string, std::string> headers{{"Cookie", cookie}, {"Content-Type", "application/json"}};
        if (with_csrf)
            headers["X-CSRF-Token"] = csrf;
        return send(server->port(), {method, target, body, headers});
    };

    auto const before = as_user("GET", "/api/v1/preferences");
    EXPECT_EQ(before.status, 200) << before.body;
    EXPECT_TRUE(before.json().at("time_zone").is_null());
    EXPECT_EQ(before.json().at("default_time_zone").as_string(), "Europe/Paris");

    // A viewer may pick how they read the figures; the session and its CSRF token are checked.
    EXPECT_EQ(as_user("PUT", "/api/v1/preferences", R"({"time_zone":"Asia/Kolkata"})", false).status, 403);
    auto const saved = as_user("PUT", "/api/v1/preferences", R"({"time_zone":"Asia/Kolkata"})");
    EXPECT_EQ(saved.status, 200) << saved.body;
    EXPECT_EQ(saved.json().at("effective_time_zone").as_string(), "Asia/Kolkata");
    EXPECT_EQ(db->query_value("SELECT time_zone FROM users WHERE email = 'viewer@example.com'"), "Asia/Kolkata");
    // Their reports follow it when the request names no zone; the API key's do not.
    auto const mine = as_user("GET", "/api/v1/reports/revenue?group_by=day&from=2026-03-30&to=2026-03-31");
    EXPECT_EQ(mine.json().at("tz").as_string(), "Asia/Kolkata");
    EXPECT_EQ(rows(mine.json().as_object()), "2026-03-30=4/1/40000");
    EXPECT_EQ(as_user("GET", "/api/v1/reports/heatmap").json().at("tz").as_string(), "Asia/Kolkata");
    EXPECT_EQ(get("/api/v1/reports/heatmap").at("tz").as_string(), "Europe/Paris");

    for (auto const* bad : {R"({"time_zone":"Mars/Olympus_Mons"})", R"({"time_zone":"Europe/Paris'; DROP TABLE users;--"})",
                            R"({"time_zone":""})", R"({"time_zone":42})", R"({})"}) {
        auto const refused = as_user("PUT", "/api/v1/preferences", bad);
        EXPECT_EQ(refused.status, 400) << bad << ": " << refused.body;
        EXPECT_EQ(refused.json().at("error").at("field").as_string(), "time_zone") << bad;
    }
    auto const unknown_field = as_user("PUT", "/api/v1/preferences", R"({"time_zone":null,"zone":"UTC"})");
    EXPECT_EQ(unknown_field.status, 400);
    EXPECT_EQ(db->query_value("SELECT time_zone FROM users WHERE email = 'viewer@example.com'"), "Asia/Kolkata");
    // An API key is no user.
    EXPECT_EQ(api(server->port(), "PUT", "/api/v1/preferences", R"({"time_zone":"UTC"})").status, 403);
    EXPECT_EQ(send(server->port(), {"PUT", "/api/v1/preferences", R"({"time_zone":"UTC"})", {}}).status, 401);

    auto const cleared = as_user("PUT", "/api/v1/preferences", R"({"time_zone":null})");
    EXPECT_EQ(cleared.status, 200) << cleared.body;
    EXPECT_EQ(cleared.json().at("effective_time_zone").as_string(), "Europe/Paris");

    for (auto const* target : {"/api/v1/reports/revenue?tz=Mars/Olympus_Mons", "/api/v1/reports/heatmap?tz=Europe%2FParis%27",
                               "/api/v1/reports/revenue?tz=UTC%2B3"}) {
        auto const refused = api(server->port(), "GET", target);
        EXPECT_EQ(refused.status, 400) << target << ": " << refused.body;
        EXPECT_EQ(refused.json().at("error").at("field").as_string(), "tz") << target;
    }
}

TEST_F(time_zone, status_shows_the_country_file_and_the_day_it_was_built)
{
    auto const status = get("/api/v1/status");
    auto const& countries = status.at("countries").as_object();
    if (countries.at("file").is_null())
        GTEST_SKIP() << "no country file: run deploy/fetch-country-db.sh (tests/run.sh does)";
    EXPECT_TRUE(std::regex_match(std::string(countries.at("built").as_string()), std::regex(R"(\d{4}-\d\d-\d\d)")));
}

TEST(time_zone_setting, a_name_postgresql_does_not_know_is_refused_at_start_naming_the_setting)
{
    scratch_database db("time_zone_setting");
    auto const dir = std::filesystem::temp_directory_path() / ("ll-time-zone-setting-" + std::to_string(::getpid()));
    for (auto const* zone : {"Mars/Olympus_Mons", "Europe/Paris; DROP TABLE links", "../etc/passwd"}) {
        auto const run = run_linkledger({"serve"}, {{"LINKLEDGER_DATABASE_URL", db.url()},
                                                    {"LINKLEDGER_LISTEN", "127.0.0.1:0"},
                                                    {"LINKLEDGER_DATA_DIR", dir.string()},
                                                    {"LINKLEDGER_TIMEZONE", zone}});
        EXPECT_EQ(run.exit_code, 2) << zone << ": " << run.err;
        EXPECT_NE(run.err.find("LINKLEDGER_TIMEZONE"), std::string::npos) << run.err;
    }
    auto const flag = run_linkledger({"serve", "--timezone", "Nowhere/Atall"},
                                     {{"LINKLEDGER_DATABASE_URL", db.url()}, {"LINKLEDGER_LISTEN", "127.0.0.1:0"},
                                      {"LINKLEDGER_DATA_DIR", dir.string()}});
    EXPECT_EQ(flag.exit_code, 2) << flag.err;
    EXPECT_NE(flag.err.find("LINKLEDGER_TIMEZONE"), std::string::npos) << flag.err;
    std::filesystem::remove_all(dir);
}

// Migration 0014 on a database that already has rollups: nothing is lost, hours and days whose
// raw clicks account for them are split into quarter-hours, the others kept whole.
TEST(time_zone_migration, existing_rollups_are_kept_and_split_where_the_raw_clicks_allow)
{
    scratch_database db("time_zone_migration");
    std::vector<linkledger::db::migration_source> before, all = linkledger::db::embedded_migrations();
    for (auto const& m : all)
        if (linkledger::db::migration_version(m.name) < 14)
            before.push_back(m);
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, before);
    db.execute("SET TIME ZONE 'UTC'; SELECT linkledger_ensure_click_partition('2026-03-29');"
               // Three clicks and a bot between 00:00 and 01:00 UTC, and their rollups as the shipper kept them.
               "INSERT INTO clicks (click_id, at, link_id, source, bot, visitor_hash) VALUES "
               "('m1', '2026-03-29 00:05Z', 1, 'tiktok', false, '\\x01'), ('m2', '2026-03-29 00:20Z', 1, 'tiktok', false, '\\x02'),"
               "('m3', '2026-03-29 00:50Z', 1, 'tiktok', false, '\\x03'), ('m4', '2026-03-29 00:55Z', 1, 'tiktok', true, NULL),"
               // Two raw clicks of an hour whose rollup says five (the others past a restore, say).
               "('m5', '2026-03-29 05:20Z', 1, 'instagram', false, NULL), ('m6', '2026-03-29 05:40Z', 1, 'instagram', false, NULL);"
               "INSERT INTO click_rollups_hourly (hour, source, clicks, unique_clicks, bot_hits) VALUES "
               "('2026-03-29 00:00Z', 'tiktok', 3, 3, 1), ('2026-03-29 05:00Z', 'instagram', 5, 0, 0),"
               "('2025-01-06 23:00Z', 'bio', 7, 0, 2);"
               "INSERT INTO click_totals_daily (day, link_id, source, clicks, unique_clicks, bot_hits) VALUES "
               "('2026-03-29', 1, 'tiktok', 3, 3, 1), ('2026-03-29', 1, 'instagram', 5, 0, 0), ('2025-01-06', 2, 'bio', 7, 0, 2);");
    linkledger::db::migrate(conn, all);
    auto const quarters = [&](std::string const& table) {
        return db.query_value("SELECT string_agg(to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || source || ' ' || "
                              "clicks || '/' || unique_clicks || '/' || bot_hits, ', ' ORDER BY bucket, source) FROM " + table);
    };
    EXPECT_EQ(quarters("click_rollups_quarter_hourly"),
              "2025-01-06 23:00 bio 7/0/2, 2026-03-29 00:00 tiktok 1/1/0, 2026-03-29 00:15 tiktok 1/1/0, "
              "2026-03-29 00:45 tiktok 1/1/1, 2026-03-29 05:00 instagram 5/0/0");
    EXPECT_EQ(quarters("click_totals_quarter_hourly"),
              "2025-01-06 00:00 bio 7/0/2, 2026-03-29 00:00 instagram 5/0/0, 2026-03-29 00:00 tiktok 1/1/0, "
              "2026-03-29 00:15 tiktok 1/1/0, 2026-03-29 00:45 tiktok 1/1/1");
    EXPECT_EQ(db.query_value("SELECT to_regclass('click_rollups_hourly') IS NULL"), "t");
}

} // namespace
