#include "reports/link_curve.hpp"

#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "reports/report_money.hpp"
#include "reports/report_period.hpp"

#include <pqxx/pqxx>

#include <map>

namespace linkledger::reports {
namespace {

namespace net = boost::asio;

using http::status;

// As the video's curve: a day a point, a year and a month at most.
constexpr int k_max_days = 400;

constexpr char const* k_link_label =
    "SELECT COALESCE(NULLIF(l.title, ''), l.slug), l.slug, l.video_id, "
    "(SELECT COALESCE(NULLIF(v.title, ''), v.url) FROM videos v WHERE v.id = l.video_id) "
    "FROM links l WHERE l.id = $1";

// $1 the link, $2 from and $3 to (instants), $4 the zone, $5 and $6 the first and last day the
// period touches (report_period): a period ending at 10:00 has that day's morning as its last
// point, counted as the revenue report counts it. One row per day and currency (a day without
// sales has one row, currency NULL).
constexpr char const* k_link_days = R"sql(
    WITH days AS (SELECT d::date AS day FROM generate_series($5::date, $6::date, interval '1 day') d),
    clicks AS (
        SELECT (q.bucket AT TIME ZONE $4)::date AS day, sum(q.clicks) AS clicks, sum(q.unique_clicks) AS unique_clicks
        FROM click_totals_quarter_hourly q
        WHERE q.link_id = $1 AND q.bucket >= $2::timestamptz AND q.bucket < $3::timestamptz
        GROUP BY 1),
    money AS (
        SELECT (c.occurred_at AT TIME ZONE $4)::date AS day, c.currency, sum(c.conversions) AS conversions,
               sum(c.amount_minor) AS revenue, sum(c.commission_minor) AS commission
        FROM conversion_money c -- sales in their day, adjustments after payment in theirs (0043)
        WHERE c.link_id = $1 AND c.occurred_at >= $2::timestamptz
          AND c.occurred_at < $3::timestamptz
        GROUP BY 1, 2)
    SELECT to_char(d.day, 'YYYY-MM-DD'), COALESCE(cl.clicks, 0)::bigint, COALESCE(cl.unique_clicks, 0)::bigint,
           m.currency, COALESCE(m.conversions, 0)::bigint, COALESCE(m.revenue, 0), COALESCE(m.commission, 0)
    FROM days d
    LEFT JOIN clicks cl ON cl.day = d.day
    LEFT JOIN money m ON m.day = d.day
    ORDER BY d.day, m.currency)sql";

struct currency_totals {
    std::int64_t conversions = 0;
    wide revenue = 0;
    wide commission = 0;
};

boost::json::object curve_of(pqxx::result const& rows)
{
    boost::json::array days;
    std::int64_t clicks = 0;
    std::int64_t unique_clicks = 0;
    std::map<std::string, currency_totals> money;
    std::string current;
    for (auto const& r : rows) {
        auto const date = r[0].as<std::string>();
        if (date != current) {
            current = date;
            days.push_back({{"date", date},
                            {"clicks", r[1].as<std::int64_t>()},
                            {"unique_clicks", r[2].as<std::int64_t>()},
                            {"money", boost::json::array()}});
            clicks += r[1].as<std::int64_t>();
            unique_clicks += r[2].as<std::int64_t>();
        }
        if (r[3].is_null())
            continue;
        auto const currency = r[3].as<std::string>();
        auto& total = money[currency];
        total.conversions += r[4].as<std::int64_t>();
        total.revenue += wide_of(r[5]);
        total.commission += wide_of(r[6]);
        days.back().as_object()["money"].as_array().push_back({{"currency", currency},
                                                               {"conversions", r[4].as<std::int64_t>()},
                                                               {"revenue_minor", json_money(wide_of(r[5]))},
                                                               {"commission_minor", json_money(wide_of(r[6]))}});
    }
    // One total per currency (one without a currency when nothing was sold), each with the
    // whole period's clicks, as the revenue report's rows have them.
    boost::json::array totals;
    auto const total_row = [&](std::optional<std::string> const& currency, currency_totals const& t) {
        totals.push_back({{"currency", currency ? boost::json::value(*currency) : boost::json::value(nullptr)},
                          {"clicks", clicks},
                          {"unique_clicks", unique_clicks},
                          {"conversions", t.conversions},
                          {"revenue_minor", json_money(t.revenue)},
                          {"commission_minor", json_money(t.commission)},
                          {"epc_minor", json_money(clicks > 0 ? money::divide_half_even(t.commission, clicks) : 0)}});
    };
    for (auto const& [currency, t] : money)
        total_row(currency, t);
    if (money.empty())
        total_row(std::nullopt, {});
    return {{"days", std::move(days)}, {"totals", std::move(totals)}};
}

} // namespace

void add_link_curve_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    routes.add(http::verb::get, "/api/v1/links/{id}/daily",
               [&db, instance_zone](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto body = co_await db.run([&](pqxx::connection& conn) -> std::optional<boost::json::object> {
            pqxx::read_transaction tx(conn);
            auto const period = resolve_period(tx, ctx, instance_zone);
            auto const link = tx.exec_params(k_link_label, id);
            if (link.empty())
                return std::nullopt;
            if (period.days > k_max_days)
                throw http::bad_field("from", "a curve covers at most 400 days");
            auto out = curve_of(tx.exec_params(k_link_days, id, period.from, period.to, period.zone, period.first_day,
                                               period.last_day));
            out["link_id"] = id;
            out["label"] = link[0][0].as<std::string>();
            out["slug"] = link[0][1].as<std::string>();
            out["video_id"] = link[0][2].is_null() ? boost::json::value(nullptr) : boost::json::value(link[0][2].as<std::int64_t>());
            out["video_label"] = link[0][3].is_null() ? boost::json::value(nullptr) : boost::json::value(link[0][3].as<std::string>());
            out["tz"] = period.zone;
            out["from"] = period.from;
            out["to"] = period.to;
            return out;
        });
        if (!body)
            throw http::http_error(status::not_found, "not_found", "no such link", "id");
        co_return http::json_response(status::ok, *body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
