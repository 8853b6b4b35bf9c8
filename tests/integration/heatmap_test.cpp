// "When your audience clicks": GET /api/v1/reports/heatmap over real redirects, shipped through
// the journal into the quarter-hour rollup, compared with the raw clicks shifted by PostgreSQL.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace linkledger::testing;

namespace {

constexpr char const* k_tiktok_ua =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/fr Region/FR";
constexpr char const* k_googlebot_ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

class heatmap : public shared_instance_test<heatmap> {
public:
    static constexpr char const* k_label = "heatmap";

protected:
    static boost::json::object get(std::string const& query)
    {
        auto const reply = ll->api("GET", "/api/v1/reports/heatmap" + query);
        EXPECT_EQ(reply.status, 200) << reply.body;
        return reply.json().as_object();
    }

    // "dow/hour/clicks" of the non-empty cells, in order.
    static std::string busy_cells(boost::json::object const& map)
    {
        std::string out;
        for (auto const& cell : map.at("cells").as_array()) {
            auto const& c = cell.as_object();
            if (c.at("clicks").as_int64() == 0)
                continue;
            // Appended piece by piece: g++ 12 -O2 raises a false -Werror=restrict on
            // ("literal" + std::string) here.
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

    // The same cells counted from the raw clicks (bots left out) by PostgreSQL itself.
    static std::string expected_cells(std::string const& tz)
    {
        return ll->db().query_value(
            "SELECT COALESCE(string_agg(dow || '/' || hour || '/' || n, ',' ORDER BY dow, hour), '') FROM ("
            "SELECT extract(isodow FROM at AT TIME ZONE '" + tz + "')::int - 1 AS dow, "
            "extract(hour FROM at AT TIME ZONE '" + tz + "')::int AS hour, count(*) AS n "
            "FROM clicks WHERE NOT bot GROUP BY 1, 2) x");
    }

    static void expect_error(http_reply const& reply, int status, std::string const& field)
    {
        EXPECT_EQ(reply.status, status) << reply.body;
        EXPECT_EQ(reply.json().at("error").at("field").as_string(), field) << reply.body;
    }
};

TEST_F(heatmap, real_clicks_land_in_their_local_day_and_hour_and_bots_do_not)
{
    ll->create_link(R"({"target_url":"https://shop.example/h?subid={click_id}","slug":"when"})");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(send(ll->port(), {"GET", "/when?utm_source=tiktok", "", {{"User-Agent", k_tiktok_ua}}}).status, 302);
    EXPECT_EQ(send(ll->port(), {"GET", "/when", "", {{"User-Agent", k_googlebot_ua}}}).status, 302);
    ASSERT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks", "4"), "4");
    ASSERT_EQ(ll->db().query_value("SELECT count(*) FROM clicks WHERE bot"), "1");

    std::set<std::string> shapes;
    for (std::string const tz : {"Europe/Paris", "Asia/Tokyo", "America/Los_Angeles", "UTC"}) {
        auto const map = get("?tz=" + tz);
        EXPECT_EQ(map.at("tz").as_string(), tz);
        auto const& cells = map.at("cells").as_array();
        ASSERT_EQ(cells.size(), 7u * 24u);
        EXPECT_EQ(cells.front().at("dow").as_int64(), 0);
        EXPECT_EQ(cells.front().at("hour").as_int64(), 0);
        EXPECT_EQ(cells.back().at("dow").as_int64(), 6);
        EXPECT_EQ(cells.back().at("hour").as_int64(), 23);
        EXPECT_EQ(map.at("clicks").as_int64(), 3) << "the bot is not a click";
        EXPECT_EQ(map.at("bot_hits").as_int64(), 1);
        auto const busy = busy_cells(map);
        EXPECT_EQ(busy, expected_cells(tz)) << tz;
        shapes.insert(busy);
    }
    // Tokyo is nine hours from UTC: the same clicks sit in other cells.
    EXPECT_GT(shapes.size(), 1u);
}

TEST_F(heatmap, the_period_bounds_the_hours_and_the_zone_can_move_the_day)
{
    // Monday 2025-01-06 23:00 UTC is Tuesday 00:00 in Paris (UTC+1 in winter).
    ll->db().execute("INSERT INTO click_rollups_quarter_hourly (bucket, source, clicks, bot_hits) "
                     "VALUES ('2025-01-06 23:00:00+00', 'tiktok', 7, 2)");
    auto const paris = get("?from=2025-01-06T00:00:00Z&to=2025-01-07T00:00:00Z&tz=Europe/Paris");
    EXPECT_EQ(busy_cells(paris), "1/0/7");
    EXPECT_EQ(paris.at("from").as_string(), "2025-01-06T00:00:00Z");
    EXPECT_EQ(paris.at("to").as_string(), "2025-01-07T00:00:00Z");
    EXPECT_EQ(paris.at("bot_hits").as_int64(), 2);
    // Bare dates are days of the zone: Tuesday in Paris began at 23:00 UTC on Monday.
    auto const tuesday = get("?from=2025-01-07&to=2025-01-08&tz=Europe/Paris");
    EXPECT_EQ(tuesday.at("from").as_string(), "2025-01-06T23:00:00Z");
    EXPECT_EQ(tuesday.at("to").as_string(), "2025-01-07T23:00:00Z");
    EXPECT_EQ(busy_cells(tuesday), "1/0/7");
    EXPECT_EQ(busy_cells(get("?from=2025-01-06&to=2025-01-07&tz=Europe/Paris")), "") << "Monday in Paris";
    EXPECT_EQ(busy_cells(get("?from=2025-01-06&to=2025-01-07&tz=UTC")), "0/23/7");
    EXPECT_EQ(busy_cells(get("?from=2025-01-06T00:00:00Z&to=2025-01-06T23:00:00Z&tz=UTC")), "") << "to is exclusive";
    // The default period is the last 30 days: last year's hour is not in it.
    EXPECT_EQ(get("?tz=UTC").at("clicks").as_int64(), std::stoll(ll->db().query_value(
        "SELECT COALESCE(sum(clicks), 0) FROM click_rollups_quarter_hourly WHERE bucket >= now() - interval '31 days'")));
}

TEST_F(heatmap, a_bad_zone_or_time_is_a_400_naming_the_field)
{
    expect_error(ll->api("GET", "/api/v1/reports/heatmap?tz=Mars/Olympus_Mons"), 400, "tz");
    expect_error(ll->api("GET", "/api/v1/reports/heatmap?tz=UTC%27%3B%20DROP%20TABLE%20clicks%3B--"), 400, "tz");
    expect_error(ll->api("GET", "/api/v1/reports/heatmap?tz="), 400, "tz");
    expect_error(ll->api("GET", "/api/v1/reports/heatmap?tz=" + std::string(100, 'A')), 400, "tz");
    expect_error(ll->api("GET", "/api/v1/reports/heatmap?from=yesterday"), 400, "from");
    expect_error(ll->api("GET", "/api/v1/reports/heatmap?from=2025-02-30"), 400, "from");
    expect_error(ll->api("GET", "/api/v1/reports/heatmap?to=2025-13-01"), 400, "to");
    EXPECT_EQ(send(ll->port(), {"GET", "/api/v1/reports/heatmap", "", {}}).status, 401);
    EXPECT_EQ(ll->db().query_value("SELECT to_regclass('clicks') IS NOT NULL"), "t");
}

} // namespace
