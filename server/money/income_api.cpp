#include "money/income_api.hpp"

#include "audit/audit_log.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "money/idempotency_store.hpp"
#include "money/income_store.hpp"
#include "money/record_id.hpp"
#include "money/store_rows.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr std::array<std::string_view, 6> k_streams{"creator_rewards", "live_gifts", "subscriptions",
                                                     "brand_deals",     "own_products", "other"};

boost::json::object to_json(income_entry const& e)
{
    return {{"id", e.id},
            {"stream", e.stream},
            {"amount_minor", e.amount_minor},
            {"currency", e.currency},
            {"date", e.date},
            {"video_id", e.video_id ? boost::json::value(*e.video_id) : nullptr},
            {"note", e.note},
            {"created_at", e.created_at}};
}

net::awaitable<http::response> create(db::database& db, http::request_context& ctx, std::string const& zone)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"stream", "amount_minor", "currency", "date", "video_id", "note"});
    new_income_entry e;
    e.stream = http::optional_string(body, "stream", 32).value_or("");
    if (std::find(k_streams.begin(), k_streams.end(), e.stream) == k_streams.end())
        throw http::bad_field("stream", "stream must be one of creator_rewards, live_gifts, subscriptions, "
                                        "brand_deals, own_products, other");
    auto const amount = http::optional_int(body, "amount_minor", 0, 1'000'000'000'000);
    if (!amount)
        throw http::bad_field("amount_minor", "amount_minor is required (cents: 1999 is 19.99)", "required");
    e.amount_minor = *amount;
    e.currency = http::optional_string(body, "currency", 3).value_or("");
    if (!currency_exponent(e.currency))
        throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
    auto const date = http::optional_time(body, "date");
    if (!date)
        throw http::bad_field("date", "date is required (YYYY-MM-DD)", "required");
    e.date = *date;
    e.video_id = http::optional_int(body, "video_id", 1, k_max_id);
    e.note = http::optional_string(body, "note", 500).value_or("");
    auto booking = book_once(db, ctx, [&](pqxx::work& tx) {
        auto const created = db::mapping_constraint_errors([&] {
            return db::mapping_bad_time("date", [&] {
                return audit::audited(tx, ctx, [&](auto& tx) { return insert_income(tx, e, zone); },
                                      [](income_entry const& made) { return to_json(made); });
            });
        });
        return booked{status::created, to_json(created)};
    });
    // Named, not a temporary of the co_await: g++ 12 mis-destroys those (db/database.hpp).
    auto const answered = co_await std::move(booking);
    co_return http::kept_response(answered);
}

net::awaitable<http::response> list(db::database& db, http::request_context& ctx, std::string const& zone)
{
    auto const page = http::read_page(ctx);
    income_filter const filter{page.before_id, page.limit + 1, http::checked_time(ctx.query("from"), "from"),
                               http::checked_time(ctx.query("to"), "to")};
    auto const entries =
        co_await db.run([&filter, &zone](pqxx::connection& conn) { return list_income(conn, filter, zone); });
    auto encode = [](income_entry const& e) { return to_json(e); };
    co_return http::json_response(status::ok, json_page("income", entries, page, encode));
}

net::awaitable<http::response> remove(db::database& db, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const deleted = co_await db.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return delete_income(tx, id); },
                              [](bool) { return boost::json::object{}; });
    });
    if (!deleted)
        throw http::http_error(status::not_found, "not_found", "no such income entry", "id");
    http::response res{status::no_content, 11};
    co_return res;
}

} // namespace

void add_income_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [&db](auto handler) {
        return [&db, handler](http::request_context& ctx) { return handler(db, ctx); };
    };
    routes.add(http::verb::post, "/api/v1/income", [&db, zone = instance_zone](http::request_context& ctx) {
        return create(db, ctx, zone);
    }, api);
    routes.add(http::verb::get, "/api/v1/income", [&db, zone = std::move(instance_zone)](http::request_context& ctx) {
        return list(db, ctx, zone);
    }, api);
    routes.add(http::verb::delete_, "/api/v1/income/{id}", bind(remove), api);
}

} // namespace linkledger::money
