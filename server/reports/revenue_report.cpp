#include "reports/revenue_report.hpp"

#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "reports/report_money.hpp"
#include "reports/report_period.hpp"
#include "reports/video_economics.hpp"

#include <pqxx/pqxx>

#include <array>
#include <cmath>

namespace linkledger::reports {
namespace {

namespace net = boost::asio;

using http::status;

struct grouping {
    std::string_view name;
    std::string_view clicks; // SELECT key, clicks, unique_clicks over the period ($1, $2)
    std::string_view money_key; // over conversions c
    std::string_view label;     // over the key k
    bool chronological;
    std::string_view money_text = "key"; // the grouped money key as text (formatted once per group)
    std::string_view sort_key = "k.key"; // chronological order of the keys
    // Whether the key's item was deleted (only links can be): its clicks and sales stay in the
    // reports, but it has no page to open any more.
    std::string_view deleted = "false";
};

// Rollup rows are summed per link (or day, hour, source) first and only then joined or
// formatted: the per-row work is what a year of rollups makes expensive.
// A period's days are the creator's ($3 names the zone), so its ends are rarely UTC midnights (a
// Paris day starts at 22:00 or 23:00 UTC): per link, the whole UTC days inside the period come
// from click_totals_daily and only what lies before the first UTC midnight and after the last
// one from the quarter-hours. Within one UTC day both quarter-hour ranges cover the whole period;
// being one filter, they count each row once.
#define LL_FIRST_MIDNIGHT "date_trunc('day', ($1::timestamptz AT TIME ZONE 'UTC') + interval '1 day' - interval '1 microsecond')"
#define LL_LAST_MIDNIGHT "date_trunc('day', $2::timestamptz AT TIME ZONE 'UTC')"
#define LL_LINK_CLICKS                                                                                                 \
    "(SELECT r.link_id, r.source, r.clicks, r.unique_clicks FROM click_totals_daily r WHERE r.day >= (" LL_FIRST_MIDNIGHT \
    ")::date AND r.day < (" LL_LAST_MIDNIGHT ")::date UNION ALL SELECT q.link_id, q.source, q.clicks, q.unique_clicks "  \
    "FROM click_totals_quarter_hourly q WHERE (q.bucket >= $1::timestamptz AND q.bucket < LEAST($2::timestamptz, "      \
    LL_FIRST_MIDNIGHT " AT TIME ZONE 'UTC')) OR (q.bucket >= GREATEST($1::timestamptz, " LL_LAST_MIDNIGHT                \
    " AT TIME ZONE 'UTC') AND q.bucket < $2::timestamptz))"
#define LL_PER_LINK "(SELECT r.link_id, sum(r.clicks) AS c, sum(r.unique_clicks) AS u FROM " LL_LINK_CLICKS " r GROUP BY r.link_id) x"
// The quarter-hours of the links that moved in the period (the CTE `moves`: link_id, at), the
// quarter-hour of each move split at it from the raw clicks (migration 0030): rows (link_id,
// source, at, clicks, unique_clicks), `at` falling in a history's span as the clicks do.
#define LL_CUT(moves)                                                                                                  \
    "linkledger_link_clicks_cut($1::timestamptz, $2::timestamptz, ARRAY(SELECT link_id FROM " moves                    \
    " ORDER BY link_id, at), ARRAY(SELECT at FROM " moves " ORDER BY link_id, at))"
// Days and hours of the zone, from the quarter-hours of every source.
#define LL_QUARTERS " FROM click_rollups_quarter_hourly q WHERE q.bucket >= $1::timestamptz AND q.bucket < $2::timestamptz"

constexpr std::array k_groupings{
    grouping{"source",
             "SELECT r.source, sum(r.clicks), sum(r.unique_clicks) FROM " LL_LINK_CLICKS " r GROUP BY r.source",
             "c.source", "k.key", false},
    grouping{"link", "SELECT x.link_id::text, x.c, x.u FROM " LL_PER_LINK, "COALESCE(c.link_id::text, '')",
             "(SELECT COALESCE(NULLIF(title, ''), slug) FROM links WHERE id::text = k.key)", false, "key", "k.key",
             "EXISTS (SELECT 1 FROM links WHERE id::text = k.key AND deleted_at IS NOT NULL)"},
    grouping{"video",
             // A link's clicks go to the video it pointed at when they were made (migration 0025):
             // a link moved inside the period is read by quarter-hour (the move's own split at
             // it), the others whole.
             "WITH moves AS (SELECT link_id, since AS at FROM link_videos WHERE since > $1::timestamptz AND since < $2::timestamptz) "
             "SELECT COALESCE(y.video_id::text, ''), sum(y.c), sum(y.u) FROM ("
             "SELECT linkledger_link_video_at(x.link_id, $1::timestamptz) AS video_id, x.c, x.u FROM " LL_PER_LINK
             " WHERE x.link_id NOT IN (SELECT link_id FROM moves) UNION ALL "
             "SELECT v.video_id, q.clicks, q.unique_clicks FROM " LL_CUT("moves") " q JOIN link_video_spans v "
             "ON v.link_id = q.link_id AND q.at >= v.since AND q.at < v.until"
             ") y GROUP BY 1",
             "COALESCE(c.video_id::text, '')", "(SELECT COALESCE(NULLIF(title, ''), url) FROM videos WHERE id::text = k.key)",
             false},
    // Likewise a link's clicks go to the offer it sold when they were made (migration 0029), and
    // a sale to its own offer.
    grouping{"offer",
             "WITH moves AS (SELECT link_id, since AS at FROM link_offers WHERE since > $1::timestamptz AND since < $2::timestamptz) "
             "SELECT COALESCE(y.offer_id::text, ''), sum(y.c), sum(y.u) FROM ("
             "SELECT s.offer_id, x.c, x.u FROM " LL_PER_LINK " JOIN link_offer_spans s ON s.link_id = x.link_id "
             "AND $1::timestamptz >= s.since AND $1::timestamptz < s.until "
             "WHERE x.link_id NOT IN (SELECT link_id FROM moves) UNION ALL "
             "SELECT s.offer_id, q.clicks, q.unique_clicks FROM " LL_CUT("moves") " q JOIN link_offer_spans s "
             "ON s.link_id = q.link_id AND q.at >= s.since AND q.at < s.until"
             ") y GROUP BY 1",
             "c.offer_id::text", "(SELECT name FROM offers WHERE id::text = k.key)", false},
    // A code's clicks are those of the link it was given with when they were made, if any
    // (migration 0029): a code moved to another link inside the period is read by quarter-hour.
    grouping{"code",
             // The links a moved code left or joined in the period are split where it did.
             "WITH moved AS (SELECT DISTINCT code_id FROM code_links WHERE since > $1::timestamptz AND since < $2::timestamptz), "
             "moves AS (SELECT DISTINCT s.link_id, b.at FROM code_link_spans s CROSS JOIN LATERAL (VALUES (s.since), (s.until)) b(at) "
             "WHERE s.code_id IN (SELECT code_id FROM moved) AND s.link_id IS NOT NULL AND b.at > $1::timestamptz "
             "AND b.at < $2::timestamptz) "
             "SELECT y.code_id::text, sum(y.c), sum(y.u) FROM ("
             "SELECT s.code_id, x.c, x.u FROM " LL_PER_LINK " JOIN code_link_spans s ON s.link_id = x.link_id "
             "AND $1::timestamptz >= s.since AND $1::timestamptz < s.until "
             "WHERE s.code_id NOT IN (SELECT code_id FROM moved) UNION ALL "
             "SELECT s.code_id, q.clicks, q.unique_clicks FROM " LL_CUT("moves") " q JOIN code_link_spans s "
             "ON s.link_id = q.link_id AND q.at >= s.since AND q.at < s.until WHERE s.code_id IN (SELECT code_id FROM moved)"
             ") y GROUP BY 1",
             // A sale that names one of the offer's codes is that code's, however it was
             // attributed: one that came through a click too is the click's (promo_code_id
             // unset), and a merchant's coupon report still counts it for the code.
             "COALESCE(COALESCE(c.promo_code_id, (SELECT p.id FROM promo_codes p WHERE c.code <> '' AND "
             "lower(p.code) = lower(c.code) AND p.offer_id = c.offer_id))::text, '')",
             "(SELECT code FROM promo_codes WHERE id::text = k.key)", false},
    grouping{"stream", "SELECT 'affiliate', sum(r.clicks), sum(r.unique_clicks) FROM " LL_LINK_CLICKS " r",
             "'affiliate'", "k.key", false},
    grouping{"day",
             "SELECT to_char(x.day, 'YYYY-MM-DD'), x.c, x.u FROM (SELECT (q.bucket AT TIME ZONE $3)::date AS day, "
             "sum(q.clicks) AS c, sum(q.unique_clicks) AS u" LL_QUARTERS " GROUP BY 1) x",
             "(c.occurred_at AT TIME ZONE $3)::date", "k.key", true, "to_char(key, 'YYYY-MM-DD')"},
    grouping{"hour",
             "SELECT linkledger_local_time(x.hour, $3), x.c, x.u FROM (SELECT linkledger_local_hour(q.bucket, $3) AS hour, "
             "sum(q.clicks) AS c, sum(q.unique_clicks) AS u" LL_QUARTERS " GROUP BY 1) x",
             "linkledger_local_hour(c.occurred_at, $3)", "k.key", true, "linkledger_local_time(key, $3)",
             // A key carries its offset ("02:00:00+02:00", then "02:00:00+01:00" when clocks go back):
             // ordered as instants, not as text.
             "k.key::timestamptz"},
    // The smart-redirect rule that chose the target: the index, '' for the link's own target,
    // 'expired' for the expired_url. The rollups know no rules, so clicks are counted in the
    // raw clicks (kept for the retention period) and sales follow their click. A sale that came
    // through no click (by code, by hand, unattributed: as via_click below) has no rule and is
    // its own row, 'no_click': filed under '' it read as bought by the own target's clicks. One
    // whose click is past the retention is 'unknown', for the same reason.
    grouping{"rule",
             "SELECT linkledger_rule_key(k.rule), count(*) FILTER (WHERE NOT k.bot), "
             "count(DISTINCT k.visitor_hash) FILTER (WHERE NOT k.bot) FROM clicks k "
             "WHERE k.at >= $1::timestamptz AND k.at < $2::timestamptz GROUP BY 1",
             "CASE WHEN c.attribution IN ('click', 'model') AND c.promo_code_id IS NULL AND c.click_id IS NOT NULL "
             "THEN COALESCE(linkledger_rule_of_click(c.click_id), 'unknown') ELSE 'no_click' END",
             "CASE k.key WHEN 'expired' THEN 'expired_url' WHEN 'no_click' THEN '(no click)' "
             "WHEN 'unknown' THEN '(click no longer kept)' ELSE 'rules[' || k.key || ']' END", false},
};

#undef LL_QUARTERS
#undef LL_CUT
#undef LL_PER_LINK
#undef LL_LINK_CLICKS
#undef LL_LAST_MIDNIGHT
#undef LL_FIRST_MIDNIGHT

// Other income only belongs in the by-stream view, where it is its own row per stream.
constexpr char const* k_income = R"sql(
    UNION ALL
    SELECT i.stream, i.currency, 0, i.amount_minor, i.amount_minor, i.amount_minor, NULL::text
    FROM income i
    WHERE i.day >= ($1::timestamptz AT TIME ZONE $3)::date AND i.day < ($2::timestamptz AT TIME ZONE $3)::date)sql";

// The rankings (every grouping but day and hour) compare commission within a currency only:
// 3,500 JPY (3500 minor units) is not ahead of 32.50 EUR (3250), and the instance keeps no
// exchange rates. Each currency is a block, the currency of the most sales in the report first
// (ties by code), as group_by=video and the dashboard's charts pick theirs, then the rows
// without money; within a block by commission, then clicks.
constexpr char const* k_ranked = "m.currency IS NULL, sum(COALESCE(m.conversions, 0)) OVER (PARTITION BY m.currency) DESC, "
                                 "m.currency, 7 DESC, 3 DESC, k.key";

wide per_click(wide commission, std::int64_t clicks)
{
    if (clicks <= 0)
        return 0;
    return money::divide_half_even(commission, clicks);
}

// sort= ranks the videos (group_by=video only): earnings, rpm, followers, or commission.
video_ranking video_ranking_asked(http::request_context const& ctx, std::string const& group_by)
{
    auto const sort = ctx.query("sort");
    if (!sort || sort->empty())
        return video_ranking::commission;
    auto const ranking = video_ranking_of(*sort);
    if (!ranking || group_by != "video")
        throw http::bad_field("sort", "sort must be earnings, rpm, followers or commission, with group_by=video");
    return *ranking;
}

} // namespace

std::optional<std::string> revenue_sql(std::string const& group_by)
{
    for (auto const& g : k_groupings) {
        if (g.name != group_by)
            continue;
        // Every grouping is given the same three parameters, whether it files by day or not.
        std::string sql = "WITH period AS (SELECT $1::timestamptz, $2::timestamptz, $3::text), clicks AS (SELECT key, clicks::bigint, unique_clicks::bigint FROM (" +
                          std::string(g.clicks) + ") AS s(key, clicks, unique_clicks)), money AS (SELECT " + std::string(g.money_key) +
                          " AS key, c.currency, c.conversions, c.amount_minor, c.commission_minor, c.approved_minor, "
                          // The click a sale came through, when it came through one: a sale by
                          // code, by hand or unattributed has none, and an adjustment after
                          // payment is no sale.
                          "CASE WHEN NOT c.adjustment AND c.attribution IN ('click', 'model') AND c.promo_code_id IS NULL "
                          "THEN c.click_id END AS via_click "
                          // Sales in their month, adjustments after payment in theirs (0043).
                          "FROM conversion_money c WHERE c.occurred_at >= $1::timestamptz "
                          "AND c.occurred_at < $2::timestamptz" +
                          (g.name == "stream" ? k_income : "") +
                          "), money_by_key AS (SELECT " + std::string(g.money_text) + " AS key, currency, sum(conversions)::bigint AS conversions, "
                          "sum(amount_minor) AS revenue, sum(commission_minor) AS commission, "
                          "sum(approved_minor) AS approved, count(DISTINCT via_click)::bigint AS converting_clicks, "
                          "(sum(conversions) FILTER (WHERE via_click IS NULL))::bigint AS without_click "
                          "FROM money GROUP BY money.key, currency), "
                          "k AS (SELECT key FROM clicks UNION SELECT key FROM money_by_key) "
                          "SELECT k.key, COALESCE(" + std::string(g.label) + ", k.key), COALESCE(cl.clicks, 0), "
                          "COALESCE(cl.unique_clicks, 0), COALESCE(m.conversions, 0), COALESCE(m.revenue, 0), "
                          "COALESCE(m.commission, 0), COALESCE(m.approved, 0), m.currency, COALESCE(m.converting_clicks, 0), "
                          "COALESCE(m.without_click, 0), " + std::string(g.deleted) + " "
                          "FROM k LEFT JOIN clicks cl ON cl.key = k.key LEFT JOIN money_by_key m ON m.key = k.key ORDER BY " +
                          (g.chronological ? std::string(g.sort_key) + ", m.currency" : k_ranked);
        return sql;
    }
    return std::nullopt;
}

void add_report_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    routes.add(http::verb::get, "/api/v1/reports/revenue", [&db, instance_zone](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const group_by = ctx.query("group_by").value_or("source");
        auto const sql = revenue_sql(group_by);
        if (!sql)
            throw http::bad_field("group_by", "group_by must be source, video, link, code, offer, stream, day, hour or rule");
        auto const ranking = video_ranking_asked(ctx, group_by);
        auto body = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            // The planner overestimates the joins of the grouped CTEs by orders of magnitude and
            // would spend most of a second JIT-compiling a query that runs in milliseconds.
            tx.exec0("SET LOCAL jit = off");
            auto const period = resolve_period(tx, ctx, instance_zone);
            auto const& start = period.from;
            auto const& end = period.to;
            boost::json::array rows;
            for (auto const& r : tx.exec_params(*sql, start, end, period.zone)) {
                auto const clicks = r[2].as<std::int64_t>();
                auto const conversions = r[4].as<std::int64_t>();
                auto const commission = wide_of(r[6]);
                // Only what clicks bought, over clicks: a sale by code or by hand has no click
                // and is shown apart; a click that bought twice counts once; a sale whose click
                // fell in an earlier period could still lift the share past every click, hence
                // the cap.
                auto const converting = r[9].as<std::int64_t>();
                double const rate = clicks > 0 ? std::min(1.0, std::round(10000.0 * static_cast<double>(converting) /
                                                                          static_cast<double>(clicks)) / 10000.0)
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
                                {"revenue_minor", json_money(wide_of(r[5]))},
                                {"commission_minor", json_money(commission)},
                                {"approved_commission_minor", json_money(wide_of(r[7]))},
                                {"currency", currency},
                                {"conversion_rate", rate},
                                {"click_conversions", converting},
                                {"sales_without_click", r[10].as<std::int64_t>()},
                                {"epc_minor", json_money(per_click(commission, clicks))}});
                if (group_by == "link")
                    rows.back().as_object()["deleted"] = r[11].as<bool>();
            }
            if (group_by == "video")
                add_video_economics(tx, rows, start, end, period.zone, ranking);
            return boost::json::object{{"group_by", group_by}, {"tz", period.zone}, {"from", start}, {"to", end},
                                       {"rows", std::move(rows)}};
        });
        co_return http::json_response(status::ok, body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
