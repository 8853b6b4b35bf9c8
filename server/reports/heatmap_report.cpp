#include "reports/heatmap_report.hpp"

#include "db/sql_errors.hpp"
#include "db/utc_timestamp.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"

#include <pqxx/pqxx>

namespace linkledger::reports {

char const* const k_heatmap_sql = R"sql(
WITH local AS (
    SELECT r.hour AT TIME ZONE $3 AS t, r.clicks, r.bot_hits
    FROM click_rollups_hourly r
    WHERE r.hour >= $1::timestamptz AND r.hour < $2::timestamptz
), sums AS (
    SELECT extract(isodow FROM t)::int - 1 AS dow, extract(hour FROM t)::int AS hour,
           sum(clicks)::bigint AS clicks, sum(bot_hits)::bigint AS bot_hits
    FROM local GROUP BY 1, 2
)
SELECT d.dow, h.hour, COALESCE(s.clicks, 0), COALESCE(s.bot_hits, 0)
FROM generate_series(0, 6) AS d(dow)
CROSS JOIN generate_series(0, 23) AS h(hour)
LEFT JOIN sums s ON s.dow = d.dow AND s.hour = h.hour
ORDER BY d.dow, h.hour
)sql";

namespace {

namespace net = boost::asio;

using http::status;

// The period as in the revenue report: `to` defaults to the end of today (UTC), `from` to 30
// days before `to`; a bare date is midnight UTC.
constexpr auto k_period_sql = R"sql(
WITH t AS (SELECT COALESCE($1::timestamptz,
                           date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 day') AS t)
SELECT )sql" + db::utc_timestamp("COALESCE($2::timestamptz, t - interval '30 days')") +
                               ", " + db::utc_timestamp("t") + " FROM t";

// pg_timezone_names is the list AT TIME ZONE accepts by name; checking it first turns a
// typo into a 400 rather than a failed query, and keeps POSIX strings ("UTC+3", whose sign
// is the reverse of ISO's) out.
constexpr char const* k_known_zone_sql = "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)";

constexpr std::size_t k_max_zone_chars = 64;

} // namespace

void add_heatmap_routes(http::router& routes, db::database& db)
{
    routes.add(http::verb::get, "/api/v1/reports/heatmap", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const tz = ctx.query("tz").value_or("UTC");
        if (tz.empty() || tz.size() > k_max_zone_chars)
            throw http::bad_field("tz", "tz must be a time zone name such as Europe/Paris");
        auto const from = http::checked_time(ctx.query("from"), "from");
        auto const to = http::checked_time(ctx.query("to"), "to");
        auto body = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            // Bare dates are read as midnight UTC, whatever the database's own zone is.
            tx.exec0("SET LOCAL TimeZone = 'UTC'");
            if (!tx.exec_params1(k_known_zone_sql, tz)[0].as<bool>())
                throw http::bad_field("tz", "tz must be a time zone name such as Europe/Paris");
            db::check_time(tx, "from", from);
            db::check_time(tx, "to", to);
            auto const period = tx.exec_params1(k_period_sql.c_str(), to, from);
            auto const start = period[0].as<std::string>();
            auto const end = period[1].as<std::string>();
            boost::json::array cells;
            std::int64_t clicks = 0, bot_hits = 0;
            for (auto const& r : tx.exec_params(k_heatmap_sql, start, end, tz)) {
                auto const n = r[2].as<std::int64_t>();
                clicks += n;
                bot_hits += r[3].as<std::int64_t>();
                cells.push_back({{"dow", r[0].as<int>()}, {"hour", r[1].as<int>()}, {"clicks", n}});
            }
            return boost::json::object{{"tz", tz},          {"from", start},         {"to", end},
                                       {"clicks", clicks},  {"bot_hits", bot_hits}, {"cells", std::move(cells)}};
        });
        co_return http::json_response(status::ok, body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
