#include "money/promo_codes_api.hpp"

#include "db/json_rows.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr char const* k_columns = R"sql(
    id, code, offer_id, video_id, link_id, active,
    to_char(valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS valid_from,
    to_char(valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS valid_until,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at)sql";

constexpr std::int64_t k_max_id = 9'000'000'000'000'000'000;

bool valid_code(std::string const& code)
{
    return !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

http::http_error code_not_found() { return {status::not_found, "not_found", "no such promo code", "id"}; }

} // namespace

void add_promo_code_routes(http::router& routes, db::database& db)
{
    http::route_options const api{.requires_api_key = true};

    routes.add(http::verb::post, "/api/v1/promo-codes", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const body = http::json_object_body(ctx.req);
        http::reject_unknown_fields(body, {"code", "offer_id", "video_id", "link_id", "valid_from", "valid_until"});
        auto const code = http::optional_string(body, "code", 64).value_or("");
        if (!valid_code(code))
            throw http::bad_field("code", "code must be 1 to 64 letters, digits, '_' or '-'");
        auto const offer_id = http::optional_int(body, "offer_id", 1, k_max_id);
        if (!offer_id)
            throw http::bad_field("offer_id", "offer_id is required", "required");
        auto const video_id = http::optional_int(body, "video_id", 1, k_max_id);
        auto const link_id = http::optional_int(body, "link_id", 1, k_max_id);
        auto const from = http::optional_time(body, "valid_from");
        auto const until = http::optional_time(body, "valid_until");
        auto created = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            db::check_time(tx, "valid_from", from);
            db::check_time(tx, "valid_until", until);
            auto const row = db::mapping_constraint_errors([&] {
                return tx.exec_params1(
                    std::string("INSERT INTO promo_codes (code, offer_id, video_id, link_id, valid_from, valid_until) "
                                "VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz) RETURNING ") + k_columns,
                    code, *offer_id, video_id, link_id, from, until);
            });
            tx.commit();
            return db::row_to_json(row);
        });
        co_return http::json_response(status::created, created);
    }, api);

    routes.add(http::verb::get, "/api/v1/promo-codes", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const page = http::read_page(ctx);
        auto rows = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            return db::rows_to_json(tx.exec_params(std::string("SELECT ") + k_columns +
                                                       " FROM promo_codes WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2",
                                                   page.before_id, page.limit + 1));
        });
        co_return http::json_response(status::ok, http::page_body("promo_codes", std::move(rows), page));
    }, api);

    routes.add(http::verb::get, "/api/v1/promo-codes/{id}", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto found = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const rows = tx.exec_params(std::string("SELECT ") + k_columns + " FROM promo_codes WHERE id = $1", id);
            return rows.empty() ? boost::json::object() : db::row_to_json(rows[0]);
        });
        if (found.empty())
            throw code_not_found();
        co_return http::json_response(status::ok, found);
    }, api);

    routes.add(http::verb::patch, "/api/v1/promo-codes/{id}", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const body = http::json_object_body(ctx.req);
        if (body.contains("code") || body.contains("offer_id"))
            throw http::bad_field(body.contains("code") ? "code" : "offer_id",
                                  "a promo code's code and offer cannot change; create a new one", "immutable_field");
        http::reject_unknown_fields(body, {"video_id", "link_id", "valid_from", "valid_until", "active"});
        auto const video_id = http::optional_int(body, "video_id", 1, k_max_id);
        auto const link_id = http::optional_int(body, "link_id", 1, k_max_id);
        auto const from = http::optional_time(body, "valid_from");
        auto const until = http::optional_time(body, "valid_until");
        auto const active = http::optional_bool(body, "active");
        // null clears a field (the code no longer belongs to a video, no end date); absent keeps it.
        auto const clear = [&](std::string_view name) { return http::is_explicit_null(body, name); };
        auto updated = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            db::check_time(tx, "valid_from", from);
            db::check_time(tx, "valid_until", until);
            auto const rows = db::mapping_constraint_errors([&] {
                return tx.exec_params(
                    std::string("UPDATE promo_codes SET "
                                "video_id = CASE WHEN $7 THEN NULL ELSE COALESCE($2, video_id) END, "
                                "link_id = CASE WHEN $8 THEN NULL ELSE COALESCE($3, link_id) END, "
                                "valid_from = CASE WHEN $9 THEN NULL ELSE COALESCE($4::timestamptz, valid_from) END, "
                                "valid_until = CASE WHEN $10 THEN NULL ELSE COALESCE($5::timestamptz, valid_until) END, "
                                "active = COALESCE($6, active), updated_at = now() WHERE id = $1 RETURNING ") + k_columns,
                    id, video_id, link_id, from, until, active, clear("video_id"), clear("link_id"),
                    clear("valid_from"), clear("valid_until"));
            });
            tx.commit();
            return rows.empty() ? boost::json::object() : db::row_to_json(rows[0]);
        });
        if (updated.empty())
            throw code_not_found();
        co_return http::json_response(status::ok, updated);
    }, api);
}

} // namespace linkledger::money
