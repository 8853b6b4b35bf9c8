#include "money/videos_api.hpp"

#include "db/json_rows.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "links/target_url.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr char const* k_columns = R"sql(
    id, platform, url, title,
    to_char(posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS posted_at,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at)sql";

struct video_fields {
    std::optional<std::string> platform, url, title, posted_at;
};

video_fields read_video(boost::json::object const& body)
{
    http::reject_unknown_fields(body, {"platform", "url", "title", "posted_at"});
    video_fields v{http::optional_string(body, "platform", 32), http::optional_string(body, "url", 2048),
                   http::optional_string(body, "title", 300), http::optional_time(body, "posted_at")};
    if (v.platform && (v.platform->empty() || !std::all_of(v.platform->begin(), v.platform->end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       })))
        throw http::bad_field("platform", "platform must be a lowercase name such as tiktok, instagram, youtube");
    if (v.url && !v.url->empty()) {
        if (auto problem = links::target_url_problem(*v.url))
            throw http::bad_field("url", *problem);
    }
    return v;
}

} // namespace

void add_video_routes(http::router& routes, db::database& db)
{
    http::route_options const api{.requires_api_key = true};

    routes.add(http::verb::post, "/api/v1/videos", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const body = http::json_object_body(ctx.req);
        auto const v = read_video(body);
        if (!v.posted_at)
            throw http::bad_field("posted_at", "posted_at is required (when the video went live)", "required");
        auto created = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto row = db::mapping_bad_time("posted_at", [&] {
                return tx.exec_params1(std::string("INSERT INTO videos (platform, url, title, posted_at) "
                                                   "VALUES ($1, $2, $3, $4::timestamptz) RETURNING ") + k_columns,
                                       v.platform.value_or("tiktok"), v.url.value_or(""), v.title.value_or(""),
                                       *v.posted_at);
            });
            tx.commit();
            return db::row_to_json(row);
        });
        co_return http::json_response(status::created, created);
    }, api);

    routes.add(http::verb::get, "/api/v1/videos", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const page = http::read_page(ctx);
        auto rows = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            return db::rows_to_json(tx.exec_params(std::string("SELECT ") + k_columns +
                                                       " FROM videos WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2",
                                                   page.before_id, page.limit + 1));
        });
        co_return http::json_response(status::ok, http::page_body("videos", std::move(rows), page));
    }, api);

    routes.add(http::verb::get, "/api/v1/videos/{id}", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto found = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const rows = tx.exec_params(std::string("SELECT ") + k_columns + " FROM videos WHERE id = $1", id);
            return rows.empty() ? boost::json::object() : db::row_to_json(rows[0]);
        });
        if (found.empty())
            throw http::http_error(status::not_found, "not_found", "no such video", "id");
        co_return http::json_response(status::ok, found);
    }, api);

    routes.add(http::verb::patch, "/api/v1/videos/{id}", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const body = http::json_object_body(ctx.req);
        auto const v = read_video(body);
        auto updated = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const rows = db::mapping_bad_time("posted_at", [&] {
                return tx.exec_params(
                    std::string("UPDATE videos SET platform = COALESCE($2, platform), url = COALESCE($3, url), "
                                "title = COALESCE($4, title), posted_at = COALESCE($5::timestamptz, posted_at), "
                                "updated_at = now() WHERE id = $1 RETURNING ") + k_columns,
                    id, v.platform, v.url, v.title, v.posted_at);
            });
            tx.commit();
            return rows.empty() ? boost::json::object() : db::row_to_json(rows[0]);
        });
        if (updated.empty())
            throw http::http_error(status::not_found, "not_found", "no such video", "id");
        co_return http::json_response(status::ok, updated);
    }, api);
}

} // namespace linkledger::money
