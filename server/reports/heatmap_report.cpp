#include "reports/heatmap_report.hpp"

#include "http/response.hpp"
#include "reports/report_period.hpp"

#include <pqxx/pqxx>

namespace linkledger::reports {

char const* const k_heatmap_sql = R"sql(
WITH local AS (
    SELECT q.bucket AT TIME ZONE $3 AS t, q.clicks, q.bot_hits
    FROM click_rollups_quarter_hourly q
    WHERE q.bucket >= $1::timestamptz AND q.bucket < $2::timestamptz
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

} // namespace

void add_heatmap_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    routes.add(http::verb::get, "/api/v1/reports/heatmap", [&db, instance_zone](http::request_context& ctx) -> net::awaitable<http::response> {
        auto body = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const period = resolve_period(tx, ctx, instance_zone);
            boost::json::array cells;
            std::int64_t clicks = 0, bot_hits = 0;
            for (auto const& r : tx.exec_params(k_heatmap_sql, period.from, period.to, period.zone)) {
                auto const n = r[2].as<std::int64_t>();
                clicks += n;
                bot_hits += r[3].as<std::int64_t>();
                cells.push_back({{"dow", r[0].as<int>()}, {"hour", r[1].as<int>()}, {"clicks", n}});
            }
            return boost::json::object{{"tz", period.zone}, {"from", period.from}, {"to", period.to},
                                       {"clicks", clicks},  {"bot_hits", bot_hits}, {"cells", std::move(cells)}};
        });
        co_return http::json_response(status::ok, body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
