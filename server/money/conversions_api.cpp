#include "money/conversions_api.hpp"

#include "audit/audit_log.hpp"
#include "crypto/random.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "money/conversion_status.hpp"
#include "money/conversion_store.hpp"
#include "money/csv_import.hpp"
#include "money/idempotency_store.hpp"
#include "money/record_id.hpp"
#include "money/store_rows.hpp"
#include "money/sale_checks.hpp"
#include "users/request_zone.hpp"

#include <pqxx/pqxx>

#include <charconv>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr std::size_t k_max_csv_bytes = 16 * 1024 * 1024;

std::string checked_status(std::optional<std::string> const& word, std::string const& field)
{
    if (!word)
        return "pending";
    auto status = normalize_status(*word);
    if (!status)
        throw http::bad_field(field, field + " must be pending, approved, rejected or paid");
    return *status;
}

std::int64_t query_id(std::optional<std::string> const& text, std::string const& field)
{
    std::int64_t id = 0;
    if (!text || text->empty())
        return 0;
    auto const [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
    if (ec != std::errc{} || ptr != text->data() + text->size() || id <= 0)
        throw http::bad_field(field, field + " must be an id");
    return id;
}

offer require_offer(pqxx::transaction_base& tx, std::int64_t id)
{
    auto o = load_offer(tx, id);
    if (!o)
        throw http::bad_field("offer_id", "no such offer", "not_found");
    return *o;
}

} // namespace

void add_conversion_routes(http::router& routes, db::database& db, attribution_settings settings)
{
    http::route_options const api{.requires_api_key = true};

    routes.add(http::verb::get, "/api/v1/conversions", [&db, settings](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const page = http::read_page(ctx);
        conversion_filter filter;
        filter.before_id = page.before_id;
        filter.limit = page.limit + 1;
        filter.offer_id = query_id(ctx.query("offer_id"), "offer_id");
        if (auto const s = ctx.query("status"); s && !s->empty())
            filter.status = checked_status(s, "status");
        filter.from = http::checked_time(ctx.query("from"), "from");
        filter.to = http::checked_time(ctx.query("to"), "to");
        auto const conversions = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            filter.zone = users::request_zone(tx, ctx, settings.time_zone);
            return list_conversions(tx, filter);
        });
        auto encode = [](conversion const& c) { return to_json(c); };
        co_return http::json_response(status::ok, json_page("conversions", conversions, page, encode));
    }, api);

    routes.add(http::verb::get, "/api/v1/conversions/{id}", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const found = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            return find_conversion(tx, id);
        });
        if (!found)
            throw http::http_error(status::not_found, "not_found", "no such conversion", "id");
        co_return http::json_response(status::ok, to_json(*found));
    }, api);

    // A sale entered by hand (a brand paid by transfer, a network without postbacks).
    routes.add(http::verb::post, "/api/v1/conversions",
               [&db, settings](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const body = http::json_object_body(ctx.req);
        http::reject_unknown_fields(body, {"offer_id", "txid", "amount_minor", "currency", "status", "commission_minor",
                                           "click_id", "code", "occurred_at"});
        auto const offer_id = http::optional_int(body, "offer_id", 1, k_max_id);
        if (!offer_id)
            throw http::bad_field("offer_id", "offer_id is required", "required");
        sale s;
        s.via = "manual";
        s.txid = http::optional_string(body, "txid", k_max_txid_bytes)
                     .value_or("manual-" + crypto::random_string(16, crypto::k_base62));
        auto const amount = http::optional_int(body, "amount_minor", 0, k_max_amount_minor);
        if (!amount)
            throw http::bad_field("amount_minor", "amount_minor is required (cents: 1999 is 19.99)", "required");
        s.amount_minor = *amount;
        s.currency = currency_code(http::optional_string(body, "currency", 16).value_or(""));
        if (auto const word = http::optional_string(body, "status", 32))
            s.status = checked_status(word, "status");
        s.reported_commission_minor = http::optional_int(body, "commission_minor", 0, k_max_amount_minor);
        s.click_id = http::optional_string(body, "click_id", 64).value_or("");
        s.code = http::optional_string(body, "code", 64).value_or("");
        s.occurred_at = http::optional_time(body, "occurred_at").value_or("");
        auto booking = book_once(db, ctx, [&](pqxx::work& tx) {
            auto const outcome = audit::audited(tx, ctx, [&](auto& tx) {
                auto const o = require_offer(tx, *offer_id);
                // A figure the offer's rule would not use is refused, not dropped without a word.
                if (s.reported_commission_minor && o.commission.type != "reported")
                    throw http::bad_field("commission_minor", "this offer computes its own commission (" +
                                                                  o.commission.type +
                                                                  "): leave commission_minor out, or make the "
                                                                  "offer's commission type \"reported\"");
                return record_sale(tx, o, s, settings);
            },
                                  [](sale_outcome const& made) { return made.conversion; });
            // The sale as booked, with what the creator should know of it, as a postback's answer
            // and an import's row say it: an amount above what a shop's refunds leave of the order
            // is booked at what they leave, and the typed sale says so. Always there, [] when
            // nothing.
            auto answer = outcome.conversion;
            boost::json::array warnings;
            for (auto const& warning : outcome.warnings)
                warnings.emplace_back(warning.text);
            answer["warnings"] = std::move(warnings);
            return booked{outcome.result == "created" ? status::created : status::ok, std::move(answer)};
        });
        // Named, not a temporary of the co_await: g++ 12 mis-destroys those (db/database.hpp).
        auto const answered = co_await std::move(booking);
        co_return http::kept_response(answered);
    }, api);

    routes.add(http::verb::patch, "/api/v1/conversions/{id}", [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const body = http::json_object_body(ctx.req);
        http::reject_unknown_fields(body, {"status"});
        auto const word = http::optional_string(body, "status", 32);
        if (!word)
            throw http::bad_field("status", "status is required", "required");
        auto const new_status = checked_status(word, "status");
        auto const outcome = co_await db.run([&](pqxx::connection& conn) {
            return audit::audited(conn, ctx, [&](auto& tx) { return change_status(tx, id, new_status); },
                                  [](auto const& changed) { return changed->conversion; });
        });
        if (!outcome)
            throw http::http_error(status::not_found, "not_found", "no such conversion", "id");
        co_return http::json_response(status::ok, outcome->conversion);
    }, api);

    routes.add(http::verb::post, "/api/v1/conversions/import",
               [&db, settings](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const offer_id = query_id(ctx.query("offer_id"), "offer_id");
        if (offer_id == 0)
            throw http::bad_field("offer_id", "offer_id is required", "required");
        auto const parsed = parse_sales_csv(ctx.req.body());
        auto booking = book_once(db, ctx, [&](pqxx::work& tx) {
            auto report = audit::audited(tx, ctx, [&](auto& tx) { return import_sales(tx, offer_id, parsed, settings); },
                                         [](boost::json::object const& made) { return made; });
            return booked{status::ok, std::move(report)};
        });
        // Named, not a temporary of the co_await: g++ 12 mis-destroys those (db/database.hpp).
        auto const answered = co_await std::move(booking);
        co_return http::kept_response(answered);
    }, {.requires_api_key = true, .max_body_bytes = k_max_csv_bytes});
}

} // namespace linkledger::money
