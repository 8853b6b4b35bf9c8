#include "money/income_api.hpp"

#include "db/json_rows.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"

#include <pqxx/pqxx>

#include <array>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr std::array<std::string_view, 6> k_streams{"creator_rewards", "live_gifts", "subscriptions",
                                                     "brand_deals",     "own_products", "other"};

constexpr char const* k_columns = R"sql(
    id, stream, amount_minor, currency, to_char(day, 'YYYY-MM-DD') AS date, video_id, note,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at)sql";

} // namespace

void add_income_routes(http::router& routes, db::database& db)
{
    http::route_options const api{.requires_api_key = true};

    routes.add(http::verb::post, "/api/v1/income", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const body = http::json_object_body(ctx.req);
        http::reject_unknown_fields(body, {"stream", "amount_minor", "currency", "date", "video_id", "note"});
        auto const stream = http::optional_string(body, "stream", 32).value_or("");
        if (std::find(k_streams.begin(), k_streams.end(), stream) == k_streams.end())
            throw http::bad_field("stream", "stream must be one of creator_rewards, live_gifts, subscriptions, "
                                            "brand_deals, own_products, other");
        auto const amount = http::optional_int(body, "amount_minor", 0, 1'000'000'000'000);
        if (!amount)
            throw http::bad_field("amount_minor", "amount_minor is required (cents: 1999 is 19.99)", "required");
        auto const currency = http::optional_string(body, "currency", 3).value_or("");
        if (!currency_exponent(currency))
            throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
        auto const date = http::optional_time(body, "date");
        if (!date)
            throw http::bad_field("date", "date is required (YYYY-MM-DD)", "required");
        auto const video_id = http::optional_int(body, "video_id", 1, 9'000'000'000'000'000'000);
        auto const note = http::optional_string(body, "note", 500).value_or("");
        auto created = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const row = db::mapping_constraint_errors([&] {
                return db::mapping_bad_time("date", [&] {
                    return tx.exec_params1(std::string("INSERT INTO income (stream, amount_minor, currency, day, video_id, note) "
                                                       "VALUES ($1, $2, $3, $4::date, $5, $6) RETURNING ") + k_columns,
                                           stream, *amount, currency, *date, video_id, note);
                });
            });
            tx.commit();
            return db::row_to_json(row);
        });
        co_return http::json_response(status::created, created);
    }, api);

    routes.add(http::verb::get, "/api/v1/income", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const page = http::read_page(ctx);
        auto const from = http::checked_time(ctx.query("from"), "from");
        auto const to = http::checked_time(ctx.query("to"), "to");
        auto rows = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            db::check_time(tx, "from", from);
            db::check_time(tx, "to", to);
            return db::rows_to_json(tx.exec_params(
                std::string("SELECT ") + k_columns +
                    " FROM income WHERE ($1::bigint = 0 OR id < $1::bigint) AND ($3::date IS NULL OR day >= $3::date) "
                    "AND ($4::date IS NULL OR day < $4::date) ORDER BY id DESC LIMIT $2",
                page.before_id, page.limit + 1, from, to));
        });
        co_return http::json_response(status::ok, http::page_body("income", std::move(rows), page));
    }, api);

    routes.add(http::verb::delete_, "/api/v1/income/{id}", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const deleted = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const n = tx.exec_params("DELETE FROM income WHERE id = $1", id).affected_rows();
            tx.commit();
            return n;
        });
        if (deleted == 0)
            throw http::http_error(status::not_found, "not_found", "no such income entry", "id");
        http::response res{status::no_content, 11};
        co_return res;
    }, api);
}

} // namespace linkledger::money
