#include "money/videos_api.hpp"

#include "audit/audit_log.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "links/target_url.hpp"
#include "money/video_store.hpp"
#include "money/store_rows.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

boost::json::object to_json(video const& v)
{
    return {{"id", v.id},
            {"platform", v.platform},
            {"url", v.url},
            {"title", v.title},
            {"posted_at", v.posted_at},
            {"created_at", v.created_at}};
}

// The fields POST and PATCH share, checked; absent ones stay empty.
video_changes read_video(boost::json::object const& body)
{
    http::reject_unknown_fields(body, {"platform", "url", "title", "posted_at"});
    video_changes v{http::optional_string(body, "platform", 32), http::optional_string(body, "url", 2048),
                    http::optional_string(body, "title", 300), http::optional_time(body, "posted_at")};
    if (v.platform && (v.platform->empty() || !std::all_of(v.platform->begin(), v.platform->end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       })))
        throw http::bad_field("platform", "platform must be a lowercase name such as tiktok, instagram, youtube");
    if (v.url && !v.url->empty()) {
        if (auto problem = links::target_url_problem(*v.url, "url"))
            throw http::bad_field("url", *problem);
    }
    return v;
}

http::http_error video_not_found() { return {status::not_found, "not_found", "no such video", "id"}; }

net::awaitable<http::response> create(db::database& db, http::request_context& ctx)
{
    auto const fields = read_video(http::json_object_body(ctx.req));
    if (!fields.posted_at)
        throw http::bad_field("posted_at", "posted_at is required (when the video went live)", "required");
    new_video const v{fields.platform.value_or("tiktok"), fields.url.value_or(""), fields.title.value_or(""),
                      *fields.posted_at};
    auto const created = co_await db.run([&](pqxx::connection& conn) {
        return db::mapping_bad_time("posted_at", [&] {
            return audit::audited(conn, ctx, [&](auto& tx) { return insert_video(tx, v); },
                                  [](video const& made) { return to_json(made); });
        });
    });
    co_return http::json_response(status::created, to_json(created));
}

net::awaitable<http::response> list(db::database& db, http::request_context& ctx)
{
    auto const page = http::read_page(ctx);
    auto const pattern = http::search_pattern(ctx);
    auto const videos = co_await db.run(
        [&page, &pattern](pqxx::connection& conn) { return list_videos(conn, page.before_id, page.limit + 1, pattern); });
    auto encode = [](video const& v) { return to_json(v); };
    co_return http::json_response(status::ok, json_page("videos", videos, page, encode));
}

net::awaitable<http::response> get(db::database& db, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const found = co_await db.run([id](pqxx::connection& conn) { return find_video(conn, id); });
    if (!found)
        throw video_not_found();
    co_return http::json_response(status::ok, to_json(*found));
}

net::awaitable<http::response> update(db::database& db, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const changes = read_video(http::json_object_body(ctx.req));
    auto const updated = co_await db.run([&](pqxx::connection& conn) {
        return db::mapping_bad_time("posted_at", [&] {
            return audit::audited(conn, ctx, [&](auto& tx) { return update_video(tx, id, changes); },
                                  [](auto const& changed) { return to_json(*changed); });
        });
    });
    if (!updated)
        throw video_not_found();
    co_return http::json_response(status::ok, to_json(*updated));
}

} // namespace

void add_video_routes(http::router& routes, db::database& db)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [&db](auto handler) {
        return [&db, handler](http::request_context& ctx) { return handler(db, ctx); };
    };
    routes.add(http::verb::post, "/api/v1/videos", bind(create), api);
    routes.add(http::verb::get, "/api/v1/videos", bind(list), api);
    routes.add(http::verb::get, "/api/v1/videos/{id}", bind(get), api);
    routes.add(http::verb::patch, "/api/v1/videos/{id}", bind(update), api);
}

} // namespace linkledger::money
