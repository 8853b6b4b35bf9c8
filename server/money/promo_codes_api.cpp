#include "money/promo_codes_api.hpp"

#include "audit/audit_log.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "money/promo_code_store.hpp"
#include "money/record_id.hpp"
#include "money/store_rows.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

boost::json::value or_null(std::optional<std::int64_t> const& v) { return v ? boost::json::value(*v) : nullptr; }
boost::json::value or_null(std::optional<std::string> const& v) { return v ? boost::json::value(*v) : nullptr; }

boost::json::object to_json(promo_code const& c)
{
    return {{"id", c.id},
            {"code", c.code},
            {"offer_id", c.offer_id},
            {"video_id", or_null(c.video_id)},
            {"link_id", or_null(c.link_id)},
            {"active", c.active},
            {"valid_from", or_null(c.valid_from)},
            {"valid_until", or_null(c.valid_until)},
            {"created_at", c.created_at}};
}

bool valid_code(std::string const& code)
{
    return !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

// A PATCH field: absent keeps it, null clears it (the code no longer belongs to a video, no
// end date), a value sets it.
template <class T>
std::optional<std::optional<T>> change(boost::json::object const& body, std::string_view name, std::optional<T> value)
{
    if (value || http::is_explicit_null(body, name))
        return value;
    return std::nullopt;
}

http::http_error code_not_found() { return {status::not_found, "not_found", "no such promo code", "id"}; }

net::awaitable<http::response> create(db::database& db, http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"code", "offer_id", "video_id", "link_id", "valid_from", "valid_until"});
    new_promo_code c;
    c.code = http::optional_string(body, "code", 64).value_or("");
    if (!valid_code(c.code))
        throw http::bad_field("code", "code must be 1 to 64 letters, digits, '_' or '-'");
    auto const offer_id = http::optional_int(body, "offer_id", 1, k_max_id);
    if (!offer_id)
        throw http::bad_field("offer_id", "offer_id is required", "required");
    c.offer_id = *offer_id;
    c.video_id = http::optional_int(body, "video_id", 1, k_max_id);
    c.link_id = http::optional_int(body, "link_id", 1, k_max_id);
    c.valid_from = http::optional_time(body, "valid_from");
    c.valid_until = http::optional_time(body, "valid_until");
    auto const created = co_await db.run([&](pqxx::connection& conn) {
        return db::mapping_constraint_errors([&] {
            return audit::audited(conn, ctx, [&](auto& tx) { return insert_promo_code(tx, c); },
                                  [](promo_code const& made) { return to_json(made); });
        });
    });
    co_return http::json_response(status::created, to_json(created));
}

net::awaitable<http::response> list(db::database& db, http::request_context& ctx)
{
    auto const page = http::read_page(ctx);
    auto const codes = co_await db.run(
        [&page](pqxx::connection& conn) { return list_promo_codes(conn, page.before_id, page.limit + 1); });
    auto encode = [](promo_code const& c) { return to_json(c); };
    co_return http::json_response(status::ok, json_page("promo_codes", codes, page, encode));
}

net::awaitable<http::response> get(db::database& db, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const found = co_await db.run([id](pqxx::connection& conn) { return find_promo_code(conn, id); });
    if (!found)
        throw code_not_found();
    co_return http::json_response(status::ok, to_json(*found));
}

net::awaitable<http::response> update(db::database& db, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const body = http::json_object_body(ctx.req);
    if (body.contains("code") || body.contains("offer_id"))
        throw http::bad_field(body.contains("code") ? "code" : "offer_id",
                              "a promo code's code and offer cannot change; create a new one", "immutable_field");
    http::reject_unknown_fields(body, {"video_id", "link_id", "valid_from", "valid_until", "active"});
    promo_code_changes changes;
    changes.video_id = change(body, "video_id", http::optional_int(body, "video_id", 1, k_max_id));
    changes.link_id = change(body, "link_id", http::optional_int(body, "link_id", 1, k_max_id));
    changes.valid_from = change(body, "valid_from", http::optional_time(body, "valid_from"));
    changes.valid_until = change(body, "valid_until", http::optional_time(body, "valid_until"));
    changes.active = http::optional_bool(body, "active");
    auto const updated = co_await db.run([&](pqxx::connection& conn) {
        return db::mapping_constraint_errors([&] {
            return audit::audited(conn, ctx, [&](auto& tx) { return update_promo_code(tx, id, changes); },
                                  [](auto const& changed) { return to_json(*changed); });
        });
    });
    if (!updated)
        throw code_not_found();
    co_return http::json_response(status::ok, to_json(*updated));
}

} // namespace

void add_promo_code_routes(http::router& routes, db::database& db)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [&db](auto handler) {
        return [&db, handler](http::request_context& ctx) { return handler(db, ctx); };
    };
    routes.add(http::verb::post, "/api/v1/promo-codes", bind(create), api);
    routes.add(http::verb::get, "/api/v1/promo-codes", bind(list), api);
    routes.add(http::verb::get, "/api/v1/promo-codes/{id}", bind(get), api);
    routes.add(http::verb::patch, "/api/v1/promo-codes/{id}", bind(update), api);
}

} // namespace linkledger::money
