#include "reports/video_curve.hpp"

#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/video_stats_api.hpp"
#include "reports/report_money.hpp"
#include "reports/report_period.hpp"
#include "reports/video_economics.hpp"

#include <pqxx/pqxx>

#include <map>

namespace linkledger::reports {
namespace {

namespace net = boost::asio;

using http::status;

// A curve is for reading, a day a point: a year and a month at most.
constexpr int k_max_days = 400;

constexpr char const* k_video_label = "SELECT COALESCE(NULLIF(title, ''), url) FROM videos WHERE id = $1";

// $1 the video, $2 from and $3 to (instants), $4 the zone, $5 and $6 the first and last day the
// period touches (report_period). A period ending at 10:00 has that day's clicks and sales up to
// 10:00 as its last point; the day's dated figures (the platform's, other income) belong to the
// period that holds the rest of the day, as in the revenue report (bounds: first_day up to
// end_day, excluded). One row per day and currency (a day without money has one row, currency
// NULL).
constexpr char const* k_video_days = R"sql(
    WITH bounds AS (SELECT ($2::timestamptz AT TIME ZONE $4)::date AS first_day,
                           ($3::timestamptz AT TIME ZONE $4)::date AS end_day),
    days AS (SELECT d::date AS day FROM generate_series($5::date, $6::date, interval '1 day') d),
    -- The video's links that moved in the period: the quarter-hour of each move is split at it
    -- (migration 0030), so a click after the move counts where its sale does.
    moves AS (
        SELECT m.link_id, m.since AS at FROM link_videos m
        WHERE m.since > $2::timestamptz AND m.since < $3::timestamptz
          AND m.link_id IN (SELECT link_id FROM link_videos WHERE video_id = $1)),
    clicks AS (
        SELECT (q.at AT TIME ZONE $4)::date AS day, sum(q.clicks) AS clicks, sum(q.unique_clicks) AS unique_clicks
        FROM (SELECT r.link_id, r.bucket AS at, r.clicks, r.unique_clicks FROM click_totals_quarter_hourly r
              WHERE r.bucket >= $2::timestamptz AND r.bucket < $3::timestamptz
                AND r.link_id IN (SELECT link_id FROM link_videos WHERE video_id = $1)
                AND r.link_id NOT IN (SELECT link_id FROM moves)
              UNION ALL
              SELECT c.link_id, c.at, c.clicks, c.unique_clicks
              FROM linkledger_link_clicks_cut($2::timestamptz, $3::timestamptz,
                                              ARRAY(SELECT link_id FROM moves ORDER BY link_id, at),
                                              ARRAY(SELECT at FROM moves ORDER BY link_id, at)) c) q
        JOIN link_video_spans s ON s.link_id = q.link_id AND q.at >= s.since AND q.at < s.until
        WHERE s.video_id = $1
        GROUP BY 1),
    money AS (
        SELECT (c.occurred_at AT TIME ZONE $4)::date AS day, c.currency, sum(c.conversions) AS conversions,
               sum(c.amount_minor) AS revenue, sum(c.commission_minor) AS commission
        FROM conversion_money c -- sales in their day, adjustments after payment in theirs (0043)
        WHERE c.video_id = $1 AND c.occurred_at >= $2::timestamptz
          AND c.occurred_at < $3::timestamptz
        GROUP BY 1, 2),
    income AS (
        SELECT i.day, i.currency, sum(i.amount_minor) AS amount
        FROM income i, bounds b WHERE i.video_id = $1 AND i.day >= b.first_day AND i.day < b.end_day
        GROUP BY 1, 2),
    currencies AS (SELECT day, currency FROM money UNION SELECT day, currency FROM income)
    SELECT to_char(d.day, 'YYYY-MM-DD'), s.views, s.likes, s.comments, s.shares, s.average_watch_ms,
           s.followers_gained, COALESCE(cl.clicks, 0)::bigint, COALESCE(cl.unique_clicks, 0)::bigint, cu.currency,
           COALESCE(m.conversions, 0)::bigint, COALESCE(m.revenue, 0), COALESCE(m.commission, 0), COALESCE(i.amount, 0)
    FROM days d
    LEFT JOIN video_stats s ON s.video_id = $1 AND s.day = d.day AND s.day < (SELECT end_day FROM bounds)
    LEFT JOIN clicks cl ON cl.day = d.day
    LEFT JOIN currencies cu ON cu.day = d.day
    LEFT JOIN money m ON m.day = d.day AND m.currency = cu.currency
    LEFT JOIN income i ON i.day = d.day AND i.currency = cu.currency
    ORDER BY d.day, cu.currency)sql";

std::optional<std::int64_t> count_of(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::int64_t>());
}

std::optional<std::int64_t> plus(std::optional<std::int64_t> total, std::optional<std::int64_t> figure)
{
    if (!figure)
        return total;
    return total.value_or(0) + *figure;
}

struct currency_totals {
    std::int64_t conversions = 0;
    wide revenue = 0;
    wide commission = 0;
    wide other_income = 0;
};

// The days and the totals, from the rows of k_video_days.
boost::json::object curve_of(pqxx::result const& rows)
{
    boost::json::array days;
    std::optional<std::int64_t> views;
    std::optional<std::int64_t> followers;
    std::int64_t clicks = 0;
    std::int64_t unique_clicks = 0;
    std::map<std::string, currency_totals> money;
    std::string current;
    for (auto const& r : rows) {
        auto const date = r[0].as<std::string>();
        if (date != current) {
            current = date;
            money::video_day_stats stats{date,          count_of(r[1]), count_of(r[2]), count_of(r[3]),
                                         count_of(r[4]), count_of(r[5]), count_of(r[6])};
            auto day = money::to_json(stats);
            day["clicks"] = r[7].as<std::int64_t>();
            day["unique_clicks"] = r[8].as<std::int64_t>();
            day["money"] = boost::json::array();
            days.push_back(std::move(day));
            views = plus(views, stats.views);
            followers = plus(followers, stats.followers_gained);
            clicks += r[7].as<std::int64_t>();
            unique_clicks += r[8].as<std::int64_t>();
        }
        if (r[9].is_null())
            continue;
        auto const currency = r[9].as<std::string>();
        auto& total = money[currency];
        total.conversions += r[10].as<std::int64_t>();
        total.revenue += wide_of(r[11]);
        total.commission += wide_of(r[12]);
        total.other_income += wide_of(r[13]);
        days.back().as_object()["money"].as_array().push_back({{"currency", currency},
                                                               {"conversions", r[10].as<std::int64_t>()},
                                                               {"revenue_minor", json_money(wide_of(r[11]))},
                                                               {"commission_minor", json_money(wide_of(r[12]))},
                                                               {"other_income_minor", json_money(wide_of(r[13]))}});
    }
    // One total per currency (one without a currency when nothing was sold or earned), each
    // with the whole period's views, clicks and followers, as group_by=video rows have them.
    boost::json::array totals;
    auto const total_row = [&](std::optional<std::string> const& currency, currency_totals const& t) {
        boost::json::object row{{"currency", currency ? boost::json::value(*currency) : boost::json::value(nullptr)},
                                {"clicks", clicks},
                                {"unique_clicks", unique_clicks},
                                {"conversions", t.conversions},
                                {"revenue_minor", json_money(t.revenue)},
                                {"commission_minor", json_money(t.commission)}};
        add_economics(row, {views, followers, clicks, t.commission, t.other_income});
        totals.push_back(std::move(row));
    };
    for (auto const& [currency, t] : money)
        total_row(currency, t);
    if (money.empty())
        total_row(std::nullopt, {});
    return {{"days", std::move(days)}, {"totals", std::move(totals)}};
}

} // namespace

void add_video_curve_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    routes.add(http::verb::get, "/api/v1/videos/{id}/daily",
               [&db, instance_zone](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto body = co_await db.run([&](pqxx::connection& conn) -> std::optional<boost::json::object> {
            pqxx::read_transaction tx(conn);
            auto const period = resolve_period(tx, ctx, instance_zone);
            auto const video = tx.exec_params(k_video_label, id);
            if (video.empty())
                return std::nullopt;
            if (period.days > k_max_days)
                throw http::bad_field("from", "a curve covers at most 400 days");
            auto out = curve_of(tx.exec_params(k_video_days, id, period.from, period.to, period.zone, period.first_day,
                                               period.last_day));
            out["video_id"] = id;
            out["label"] = video[0][0].as<std::string>();
            out["tz"] = period.zone;
            out["from"] = period.from;
            out["to"] = period.to;
            return out;
        });
        if (!body)
            throw http::http_error(status::not_found, "not_found", "no such video", "id");
        co_return http::json_response(status::ok, *body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
