#include "money/video_stats_api.hpp"

#include "audit/audit_log.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/video_stats_import.hpp"
#include "money/video_stats_store.hpp"

#include <pqxx/pqxx>

#include <cmath>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr std::size_t k_max_csv_bytes = 16 * 1024 * 1024;
constexpr std::size_t k_max_days_per_request = 1000;

boost::json::value figure(std::optional<std::int64_t> const& value)
{
    return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

std::optional<std::int64_t> watch_ms_of(boost::json::object const& day)
{
    auto const* value = day.if_contains("average_watch_seconds");
    if (value == nullptr || value->is_null())
        return std::nullopt;
    double seconds = -1;
    if (value->is_int64())
        seconds = static_cast<double>(value->get_int64());
    else if (value->is_uint64())
        seconds = static_cast<double>(value->get_uint64());
    else if (value->is_double())
        seconds = value->get_double();
    if (!(seconds >= 0 && seconds * 1000 <= static_cast<double>(k_max_watch_ms)))
        throw http::bad_field("average_watch_seconds", "average_watch_seconds must be a number of seconds from 0 to 86400");
    return std::llround(seconds * 1000);
}

video_day_stats read_day_body(boost::json::value const& value, std::chrono::sys_days latest_day)
{
    if (!value.is_object())
        throw http::bad_field("", "each day must be an object such as {\"date\": \"2026-11-30\", \"views\": 1200}");
    auto const& day = value.get_object();
    http::reject_unknown_fields(day, {"date", "views", "likes", "comments", "shares", "average_watch_seconds",
                                      "followers_gained"});
    auto const date = http::optional_string(day, "date", 32);
    if (!date)
        throw http::bad_field("date", "date is required (YYYY-MM-DD, the day as the platform reports it)", "required");
    if (date->size() != 10)
        throw http::bad_field("date", "date must be YYYY-MM-DD");
    video_day_stats out;
    out.day = read_day(*date, "date", true, latest_day);
    out.views = http::optional_int(day, "views", 0, k_max_video_count);
    out.likes = http::optional_int(day, "likes", 0, k_max_video_count);
    out.comments = http::optional_int(day, "comments", 0, k_max_video_count);
    out.shares = http::optional_int(day, "shares", 0, k_max_video_count);
    out.average_watch_ms = watch_ms_of(day);
    out.followers_gained = http::optional_int(day, "followers_gained", 0, k_max_video_count);
    if (!out.has_a_figure())
        throw http::bad_field("views", "a day needs at least one figure (views, likes, comments, shares, "
                                       "average_watch_seconds, followers_gained)");
    return out;
}

// {"days": [...]}, each day checked; a mistake names its place ("days[2].views").
std::vector<video_day_stats> read_days(boost::json::object const& body, std::chrono::sys_days latest_day)
{
    http::reject_unknown_fields(body, {"days"});
    auto const* days = body.if_contains("days");
    if (days == nullptr || !days->is_array() || days->get_array().empty())
        throw http::bad_field("days", "days must be a list of one or more days", "required");
    if (days->get_array().size() > k_max_days_per_request)
        throw http::bad_field("days", "at most 1000 days per request");
    std::vector<video_day_stats> out;
    for (std::size_t i = 0; i < days->get_array().size(); ++i) {
        try {
            out.push_back(read_day_body(days->get_array()[i], latest_day));
        } catch (http::http_error& e) {
            e.field = "days[" + std::to_string(i) + "]" + (e.field.empty() ? "" : "." + e.field);
            throw;
        }
        for (std::size_t j = 0; j + 1 < out.size(); ++j)
            if (out[j].day == out.back().day)
                throw http::bad_field("days[" + std::to_string(i) + "].date", "the day " + out.back().day + " is given twice");
    }
    return out;
}

// The days stored for a video, or nothing when there is no such video.
std::optional<boost::json::object> store_days(pqxx::transaction_base& tx, std::int64_t id,
                                              std::vector<video_day_stats> const& days)
{
    if (!video_exists(tx, id))
        return std::nullopt;
    boost::json::object out{{"video_id", id}, {"created", 0}, {"updated", 0}, {"unchanged", 0}};
    boost::json::array results;
    for (auto const& day : days) {
        auto const outcome = store_video_day(tx, id, day);
        out[outcome] = out[outcome].as_int64() + 1;
        results.push_back({{"date", day.day}, {"result", outcome}});
    }
    out["days"] = std::move(results);
    return out;
}

http::http_error video_not_found() { return {status::not_found, "not_found", "no such video", "id"}; }

std::optional<std::string> query_day(http::request_context const& ctx, std::string const& name)
{
    auto const value = ctx.query(name);
    if (!value || value->empty())
        return std::nullopt;
    if (value->size() != 10)
        throw http::bad_field(name, name + " must be a date (YYYY-MM-DD)");
    // Any date of the calendar: a period may end after today.
    return read_day(*value, name, true, std::chrono::sys_days::max());
}

net::awaitable<http::response> put_stats(db::database& db, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const days = read_days(http::json_object_body(ctx.req),
                                latest_reportable_day(std::chrono::system_clock::now()));
    auto const answer = co_await db.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return store_days(tx, id, days); },
                              [](auto const& stored) { return *stored; });
    });
    if (!answer)
        throw video_not_found();
    co_return http::json_response(status::ok, *answer);
}

net::awaitable<http::response> get_stats(db::database& db, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const from = query_day(ctx, "from").value_or("");
    auto const to = query_day(ctx, "to").value_or("");
    auto const days = co_await db.run([&](pqxx::connection& conn) -> std::optional<std::vector<video_day_stats>> {
        {
            pqxx::read_transaction tx(conn);
            if (!video_exists(tx, id))
                return std::nullopt;
        }
        return list_video_days(conn, id, from, to);
    });
    if (!days)
        throw video_not_found();
    boost::json::array out;
    for (auto const& day : *days)
        out.push_back(to_json(day));
    co_return http::json_response(status::ok, boost::json::object{{"video_id", id}, {"days", std::move(out)}});
}

bool create_missing_of(http::request_context const& ctx)
{
    auto const value = ctx.query("create_missing").value_or("false");
    if (value == "true" || value == "1")
        return true;
    if (value == "false" || value == "0" || value.empty())
        return false;
    throw http::bad_field("create_missing", "create_missing must be true or false");
}

net::awaitable<http::response> import_stats(db::database& db, http::request_context& ctx)
{
    auto const create_missing = create_missing_of(ctx);
    auto const parsed = parse_video_stats_csv(ctx.req.body());
    auto const latest_day = latest_reportable_day(std::chrono::system_clock::now());
    auto report = co_await db.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return import_video_stats(tx, parsed, create_missing, latest_day); },
                              [](boost::json::object const& made) { return made; });
    });
    co_return http::json_response(status::ok, report);
}

} // namespace

boost::json::object to_json(video_day_stats const& day)
{
    boost::json::value watch = nullptr;
    if (day.average_watch_ms)
        watch = static_cast<double>(*day.average_watch_ms) / 1000.0;
    return {{"date", day.day},
            {"views", figure(day.views)},
            {"likes", figure(day.likes)},
            {"comments", figure(day.comments)},
            {"shares", figure(day.shares)},
            {"average_watch_seconds", watch},
            {"followers_gained", figure(day.followers_gained)}};
}

void add_video_stats_routes(http::router& routes, db::database& db)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [&db](auto handler) {
        return [&db, handler](http::request_context& ctx) { return handler(db, ctx); };
    };
    routes.add(http::verb::put, "/api/v1/videos/{id}/stats", bind(put_stats), api);
    routes.add(http::verb::get, "/api/v1/videos/{id}/stats", bind(get_stats), api);
    routes.add(http::verb::post, "/api/v1/videos/stats/import", bind(import_stats),
               {.requires_api_key = true, .max_body_bytes = k_max_csv_bytes});
}

} // namespace linkledger::money
