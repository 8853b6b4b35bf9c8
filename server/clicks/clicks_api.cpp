#include "clicks/clicks_api.hpp"

#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"

#include <pqxx/pqxx>

#include <charconv>

namespace linkledger::clicks {
namespace {

constexpr int k_default_limit = 100;
constexpr int k_max_limit = 1000;

// $1 since ('' for 7 days ago), $2 how many, $3 the link.
constexpr char const* k_link_clicks = R"sql(
SELECT click_id, link_id,
       to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       source, in_app, device, os, country, bot, bot_reason, rule
FROM clicks
WHERE link_id = $3 AND at >= (SELECT CASE WHEN $1::text = '' THEN now() - interval '7 days' ELSE $1::timestamptz END)
ORDER BY at DESC, click_id DESC
LIMIT $2
)sql";

// Every link's: the newest by click id, which begins with the click's millisecond, so the
// primary key walks them from the newest and stops at the floor of `since` (clicks_at is a
// BRIN index, which has no order: migration 0018); then in the same order as a link's.
constexpr char const* k_all_clicks = R"sql(
WITH s AS (SELECT CASE WHEN $1::text = '' THEN now() - interval '7 days' ELSE $1::timestamptz END AS since)
SELECT click_id, link_id,
       to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       source, in_app, device, os, country, bot, bot_reason, rule
FROM (SELECT * FROM clicks
      WHERE click_id >= (SELECT linkledger_click_id_floor(since) FROM s) AND at >= (SELECT since FROM s)
      ORDER BY click_id DESC
      LIMIT $2) c
ORDER BY at DESC, click_id DESC
)sql";

struct click_row {
    std::string click_id;
    std::int64_t link_id = 0;
    std::string at, source, in_app, device, os, country;
    bool bot = false;
    std::string bot_reason;
    std::optional<int> rule; // the smart-redirect rule that matched; -2 the expired_url
};

} // namespace

boost::json::object pipeline_status(click_journal const& journal, click_shipper const& shipper)
{
    auto const s = shipper.status();
    return {{"database", s.database_up ? "ok" : "unreachable"},
            {"journal",
             {{"backlog_clicks", s.backlog_clicks},
              {"backlog_bytes", s.backlog_bytes},
              {"segments", journal.segments().size()},
              {"appended", journal.appended()},
              {"write_failures", journal.write_failures()},
              {"skipped_bytes", s.skipped_bytes}}},
            {"writer",
             {{"lag_seconds", s.lag_seconds},
              {"shipped", s.shipped},
              {"last_error", s.last_error}}}};
}

boost::json::object country_file_status(geoip const& countries)
{
    if (!countries.enabled())
        return {{"file", nullptr}, {"built", nullptr}};
    return {{"file", countries.path()}, {"built", countries.built()}};
}

void clicks_api::add_routes(http::router& routes)
{
    http::route_options const api{.requires_api_key = true};
    routes.add(http::verb::get, "/api/v1/clicks",
               [this](http::request_context& ctx) { return list(ctx); }, api);
    routes.add(
        http::verb::get, "/api/v1/status",
        [this](http::request_context&) -> net::awaitable<http::response> {
            auto status = pipeline_status(journal_, shipper_);
            status["countries"] = country_file_status(countries_);
            co_return http::json_response(http::status::ok, status);
        },
        api);
}

net::awaitable<http::response> clicks_api::list(http::request_context& ctx)
{
    std::int64_t link_id = 0;
    if (auto const text = ctx.query("link_id"); text && !text->empty()) {
        auto const [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), link_id);
        if (ec != std::errc{} || ptr != text->data() + text->size() || link_id <= 0)
            throw http::bad_field("link_id", "link_id must be a link's id");
    }
    int limit = k_default_limit;
    if (auto const text = ctx.query("limit"); text && !text->empty()) {
        auto const [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
        if (ec != std::errc{} || ptr != text->data() + text->size() || limit < 1 || limit > k_max_limit)
            throw http::bad_field("limit", "limit must be a whole number from 1 to 1000");
    }
    // Checked here so a typo is a 400 naming the field, not a database error; a time only
    // PostgreSQL can tell is impossible (2026-02-29, 0000-01-01) is checked by it below.
    auto const checked_since = http::checked_time(ctx.query("since"), "since");
    std::string const since = checked_since.value_or("");
    auto const rows = co_await db_.run([&](pqxx::connection& conn) {
        pqxx::read_transaction tx(conn);
        db::check_time(tx, "since", checked_since);
        std::vector<click_row> out;
        auto const found = link_id == 0 ? tx.exec_params(k_all_clicks, since, limit)
                                        : tx.exec_params(k_link_clicks, since, limit, link_id);
        for (auto const& r : found)
            out.push_back({r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<std::string>(),
                           r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                           r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<bool>(),
                           r[9].as<std::string>(),
                           r[10].is_null() ? std::nullopt : std::optional(r[10].as<int>())});
        return out;
    });
    boost::json::array items;
    for (auto const& r : rows)
        items.push_back({{"click_id", r.click_id}, {"link_id", r.link_id}, {"at", r.at},
                         {"source", r.source},     {"in_app", r.in_app},   {"device", r.device},
                         {"os", r.os},             {"country", r.country}, {"bot", r.bot},
                         {"bot_reason", r.bot_reason},
                         // The index of the link's rule that chose the target, or null for
                         // the link's own target; "expired" when it went to the expired_url.
                         {"rule", !r.rule ? boost::json::value(nullptr)
                                  : *r.rule == k_expired_rule ? boost::json::value("expired")
                                                              : boost::json::value(*r.rule)}});
    co_return http::json_response(http::status::ok, boost::json::object{{"clicks", std::move(items)}});
}

} // namespace linkledger::clicks
