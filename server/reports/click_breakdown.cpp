#include "reports/click_breakdown.hpp"

#include "http/http_error.hpp"
#include "http/response.hpp"
#include "reports/report_period.hpp"
#include "reports/report_subject.hpp"

#include <pqxx/pqxx>

#include <array>
#include <string_view>

namespace linkledger::reports {
namespace {

namespace net = boost::asio;

using http::status;

// Rows past this many are summed into one row with a null key and "others": referrer hosts
// can be many, a page reads the first few.
constexpr int k_max_rows = 50;

// $1 from, $2 to (instants), $3 the link or NULL, $4 the video or NULL. A video's clicks are
// those of its links while they pointed at it (link_video_spans, migration 0025): the marker
// becomes that condition only when a video is asked for (with_video_filter), since under an
// "$4 IS NULL OR" PostgreSQL runs the EXISTS once per row instead of joining once.
#define LL_VIDEO_MARKER " /*video*/"
#define LL_ROLLUP_LINKS " AND ($3::bigint IS NULL OR q.link_id = $3::bigint)" LL_VIDEO_MARKER
#define LL_RAW_LINKS " AND ($3::bigint IS NULL OR c.link_id = $3::bigint)" LL_VIDEO_MARKER
#define LL_RAW(key)                                                                                                 \
    "SELECT " key ", count(*)::bigint FROM clicks c WHERE NOT c.bot AND c.at >= $1::timestamptz AND c.at < "       \
    "$2::timestamptz" LL_RAW_LINKS " GROUP BY 1"

struct grouping {
    std::string_view name;
    std::string_view sql; // key (text, NULL for none), clicks
    std::string_view basis;
};

constexpr std::array k_groupings{
    // A link that moved to another video in the period has the quarter-hour of the move split
    // at it (migration 0030): its pieces are dated by the move, so a video's clicks after the
    // move are the new video's, as their sales are.
    grouping{"source",
             "WITH moves AS (SELECT link_id, since AS at FROM link_videos WHERE since > $1::timestamptz AND since < $2::timestamptz "
             "AND ($3::bigint IS NULL OR link_id = $3::bigint)) "
             "SELECT q.source, sum(q.clicks)::bigint FROM (SELECT q.link_id, q.source, q.bucket, q.clicks "
             "FROM click_totals_quarter_hourly q WHERE q.bucket >= $1::timestamptz AND q.bucket < $2::timestamptz "
             "AND q.link_id NOT IN (SELECT link_id FROM moves) UNION ALL SELECT c.link_id, c.source, c.at, c.clicks "
             "FROM linkledger_link_clicks_cut($1::timestamptz, $2::timestamptz, ARRAY(SELECT link_id FROM moves ORDER BY "
             "link_id, at), ARRAY(SELECT at FROM moves ORDER BY link_id, at)) c) q WHERE true" LL_ROLLUP_LINKS " GROUP BY 1",
             "rollups"},
    grouping{"country", LL_RAW("c.country"), "raw_clicks"},
    grouping{"device", LL_RAW("c.device"), "raw_clicks"},
    grouping{"os", LL_RAW("c.os"), "raw_clicks"},
    // The host only: the rest of a referring address may carry what the visitor looked at.
    grouping{"referrer",
             LL_RAW("NULLIF(lower(substring(c.referer from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)')), '')"),
             "raw_clicks"},
};

#undef LL_RAW
#undef LL_RAW_LINKS
#undef LL_ROLLUP_LINKS

std::string with_video_filter(std::string_view sql, bool by_video)
{
    std::string out(sql);
    auto const at = out.find(LL_VIDEO_MARKER);
    auto const rollups = out.find("click_totals_quarter_hourly q") != std::string::npos;
    auto const link = rollups ? "q.link_id" : "c.link_id";
    auto const time = rollups ? "q.bucket" : "c.at";
    out.replace(at, std::string_view(LL_VIDEO_MARKER).size(),
                by_video ? std::string(" AND EXISTS (SELECT 1 FROM link_video_spans s WHERE s.link_id = ") + link +
                               " AND s.video_id = $4::bigint AND " + time + " >= s.since AND " + time + " < s.until)"
                         : std::string(" AND $4::bigint IS NULL"));
    return out;
}
#undef LL_VIDEO_MARKER

grouping const* grouping_of(std::string_view name)
{
    for (auto const& g : k_groupings)
        if (g.name == name)
            return &g;
    return nullptr;
}

} // namespace

void add_click_breakdown_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    routes.add(http::verb::get, "/api/v1/reports/clicks", [&db, instance_zone](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const group_by = ctx.query("group_by").value_or("source");
        auto const* g = grouping_of(group_by);
        if (!g)
            throw http::bad_field("group_by", "group_by must be source, country, device, os or referrer");
        auto body = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const period = resolve_period(tx, ctx, instance_zone);
            auto const subject = subject_of(tx, ctx, false);
            // Largest first; among equals the key, so the order is the same on every call.
            auto const sql = "SELECT key, clicks FROM (" + with_video_filter(g->sql, subject.video_id.has_value()) +
                             ") AS s(key, clicks) WHERE clicks > 0 ORDER BY clicks DESC, key NULLS LAST";
            boost::json::array rows;
            std::int64_t total = 0, others = 0;
            for (auto const& r : tx.exec_params(sql, period.from, period.to, subject.link_id, subject.video_id)) {
                auto const clicks = r[1].as<std::int64_t>();
                total += clicks;
                if (rows.size() >= static_cast<std::size_t>(k_max_rows)) {
                    others += clicks;
                    continue;
                }
                rows.push_back({{"key", r[0].is_null() ? boost::json::value(nullptr) : boost::json::value(r[0].as<std::string>())},
                                {"clicks", clicks}});
            }
            if (others > 0)
                rows.push_back({{"key", nullptr}, {"others", true}, {"clicks", others}});
            boost::json::object out{{"group_by", group_by}, {"basis", g->basis}, {"tz", period.zone},
                                    {"from", period.from},  {"to", period.to},   {"clicks", total},
                                    {"rows", std::move(rows)}};
            out["link_id"] = subject.link_id ? boost::json::value(*subject.link_id) : nullptr;
            out["video_id"] = subject.video_id ? boost::json::value(*subject.video_id) : nullptr;
            return out;
        });
        co_return http::json_response(status::ok, body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
