#include "reports/revenue_report.hpp"

#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"

#include <pqxx/pqxx>

#include <array>
#include <cmath>

namespace linkledger::reports {
namespace {

namespace net = boost::asio;

using http::status;

struct grouping {
    std::string_view name;
    std::string_view click_key;   // over rollup r joined to links l
    std::string_view click_from;  // the rollup and its joins
    std::string_view conv_key;    // over conversions c
    std::string_view label;       // over the key k
    bool chronological;
};

constexpr char const* k_daily = "click_rollups_daily r JOIN links l ON l.id = r.link_id";
constexpr char const* k_daily_where =
    "r.day >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND r.day < ($2::timestamptz AT TIME ZONE 'UTC')::date";
constexpr char const* k_hourly_where = "r.hour >= $1::timestamptz AND r.hour < $2::timestamptz";

constexpr std::array k_groupings{
    grouping{"source", "r.source", k_daily, "c.source", "k.key", false},
    grouping{"link", "r.link_id::text", k_daily, "COALESCE(c.link_id::text, '')",
             "(SELECT COALESCE(NULLIF(title, ''), slug) FROM links WHERE id::text = k.key)", false},
    grouping{"video", "COALESCE(l.video_id::text, '')", k_daily, "COALESCE(c.video_id::text, '')",
             "(SELECT COALESCE(NULLIF(title, ''), url) FROM videos WHERE id::text = k.key)", false},
    grouping{"offer", "COALESCE(l.offer_id::text, '')", k_daily, "c.offer_id::text",
             "(SELECT name FROM offers WHERE id::text = k.key)", false},
    grouping{"code", "p.id::text",
             "click_rollups_daily r JOIN links l ON l.id = r.link_id JOIN promo_codes p ON p.link_id = r.link_id",
             "COALESCE(c.promo_code_id::text, '')", "(SELECT code FROM promo_codes WHERE id::text = k.key)", false},
    grouping{"stream", "'affiliate'", k_daily, "'affiliate'", "k.key", false},
    grouping{"day", "to_char(r.day, 'YYYY-MM-DD')", k_daily,
             "to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')", "k.key", true},
    grouping{"hour", "to_char(r.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')",
             "click_rollups_hourly r JOIN links l ON l.id = r.link_id",
             "to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')", "k.key", true},
};

// Other income only belongs in the by-stream view, where it is its own row per stream.
constexpr char const* k_income = R"sql(
    UNION ALL
    SELECT i.stream, i.currency, 0, i.amount_minor, i.amount_minor, i.amount_minor
    FROM income i
    WHERE i.day >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND i.day < ($2::timestamptz AT TIME ZONE 'UTC')::date)sql";

std::int64_t per_click(std::int64_t commission, std::int64_t clicks)
{
    if (clicks <= 0)
        return 0;
    auto quotient = commission / clicks;
    auto const twice = 2 * (commission % clicks);
    if (twice > clicks || (twice == clicks && quotient % 2 != 0))
        ++quotient;
    return quotient;
}

} // namespace

std::optional<std::string> revenue_sql(std::string const& group_by)
{
    for (auto const& g : k_groupings) {
        if (g.name != group_by)
            continue;
        std::string sql = "WITH clicks AS (SELECT " + std::string(g.click_key) +
                          " AS key, sum(r.clicks)::bigint AS clicks, sum(r.unique_clicks)::bigint AS unique_clicks FROM " +
                          std::string(g.click_from) + " WHERE " + (g.name == "hour" ? k_hourly_where : k_daily_where) +
                          " GROUP BY 1), money AS (SELECT " + std::string(g.conv_key) +
                          " AS key, c.currency, 1 AS conversions, c.amount_minor, c.commission_minor, "
                          "CASE WHEN c.status IN ('approved', 'paid') THEN c.commission_minor ELSE 0 END AS approved "
                          "FROM conversions c WHERE c.status <> 'rejected' AND c.occurred_at >= $1::timestamptz "
                          "AND c.occurred_at < $2::timestamptz" +
                          (g.name == "stream" ? k_income : "") +
                          "), money_by_key AS (SELECT key, currency, sum(conversions)::bigint AS conversions, "
                          "sum(amount_minor)::bigint AS revenue, sum(commission_minor)::bigint AS commission, "
                          "sum(approved)::bigint AS approved FROM money GROUP BY 1, 2), "
                          "k AS (SELECT key FROM clicks UNION SELECT key FROM money_by_key) "
                          "SELECT k.key, COALESCE(" + std::string(g.label) + ", k.key), COALESCE(cl.clicks, 0), "
                          "COALESCE(cl.unique_clicks, 0), COALESCE(m.conversions, 0), COALESCE(m.revenue, 0), "
                          "COALESCE(m.commission, 0), COALESCE(m.approved, 0), m.currency "
                          "FROM k LEFT JOIN clicks cl ON cl.key = k.key LEFT JOIN money_by_key m ON m.key = k.key ORDER BY " +
                          (g.chronological ? "k.key, m.currency" : "7 DESC, 3 DESC, k.key, m.currency");
        return sql;
    }
    return std::nullopt;
}

void add_report_routes(http::router& routes, db::database& db)
{
    routes.add(http::verb::get, "/api/v1/reports/revenue", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const group_by = ctx.query("group_by").value_or("source");
        auto const sql = revenue_sql(group_by);
        if (!sql)
            throw http::bad_field("group_by", "group_by must be source, video, link, code, offer, stream, day or hour");
        auto const from = http::checked_time(ctx.query("from"), "from");
        auto const to = http::checked_time(ctx.query("to"), "to");
        auto body = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const period = db::mapping_bad_time("from", [&] {
                return tx.exec_params1(
                    "WITH t AS (SELECT COALESCE($1::timestamptz, date_trunc('day', now() AT TIME ZONE 'UTC') "
                    "AT TIME ZONE 'UTC' + interval '1 day') AS t) "
                    "SELECT to_char((t - interval '30 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                    "to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM t",
                    to);
            });
            auto const start = from.value_or(period[0].as<std::string>());
            auto const end = period[1].as<std::string>();
            boost::json::array rows;
            for (auto const& r : tx.exec_params(*sql, start, end)) {
                auto const clicks = r[2].as<std::int64_t>();
                auto const conversions = r[4].as<std::int64_t>();
                auto const commission = r[6].as<std::int64_t>();
                double const rate = clicks > 0 ? std::round(10000.0 * static_cast<double>(conversions) /
                                                            static_cast<double>(clicks)) / 10000.0
                                               : 0.0;
                boost::json::value currency = nullptr;
                if (!r[8].is_null())
                    currency = r[8].as<std::string>();
                auto const key = r[0].as<std::string>();
                rows.push_back({{"key", key.empty() ? boost::json::value(nullptr) : boost::json::value(key)},
                                {"label", key.empty() ? "(none)" : r[1].as<std::string>()},
                                {"clicks", clicks},
                                {"unique_clicks", r[3].as<std::int64_t>()},
                                {"conversions", conversions},
                                {"revenue_minor", r[5].as<std::int64_t>()},
                                {"commission_minor", commission},
                                {"approved_commission_minor", r[7].as<std::int64_t>()},
                                {"currency", currency},
                                {"conversion_rate", rate},
                                {"epc_minor", per_click(commission, clicks)}});
            }
            return boost::json::object{{"group_by", group_by}, {"from", start}, {"to", end}, {"rows", std::move(rows)}};
        });
        co_return http::json_response(status::ok, body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
