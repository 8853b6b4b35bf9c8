#include "money/offers_api.hpp"

#include "crypto/digest.hpp"
#include "db/json_rows.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "money/offer.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr char const* k_columns = R"sql(
    id, name, currency, commission_type, rate_bps, amount_minor, attribution_window_days, active, commission_base,
    allow_commission_above_amount,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at)sql";

// What GET and lists show in place of the postback token (documented in the README).
constexpr std::string_view k_hidden_token = "<shown-once>";

std::string postback_url(std::string const& public_url, std::int64_t offer_id, std::string_view token)
{
    return public_url + "/postback/" + std::to_string(offer_id) + "?token=" + std::string(token) +
           "&click_id={click_id}&txid={txid}&amount={amount}&currency={currency}&status={status}";
}

// {"type": "percent", "rate_bps": 1000} rather than three flat columns.
boost::json::object offer_json(pqxx::row const& row, std::string const& public_url)
{
    auto o = db::row_to_json(row);
    boost::json::object commission{{"type", o["commission_type"]}};
    if (!o["rate_bps"].is_null())
        commission["rate_bps"] = o["rate_bps"];
    if (!o["amount_minor"].is_null())
        commission["amount_minor"] = o["amount_minor"];
    o.erase("commission_type");
    o.erase("rate_bps");
    o.erase("amount_minor");
    o["commission"] = std::move(commission);
    // The token is never readable again after creation: the URL shows where it goes.
    o["postback_url"] = postback_url(public_url, o["id"].as_int64(), k_hidden_token);
    o["webhook_urls"] = {
        {"shopify", public_url + "/webhooks/shopify/" + std::to_string(o["id"].as_int64())},
        {"woocommerce", public_url + "/webhooks/woocommerce/" + std::to_string(o["id"].as_int64())}};
    return o;
}

// Secrets are shown when made (creation, rotation) and never again.
void add_secrets(boost::json::object& o, offer_secrets const& secrets, std::string const& public_url)
{
    o["postback_url"] = postback_url(public_url, o["id"].as_int64(), secrets.postback_token);
    o["webhook_secret"] = secrets.webhook_secret;
}

commission_rule read_commission(boost::json::object const& body)
{
    auto const* value = body.if_contains("commission");
    if (value == nullptr || !value->is_object())
        throw http::bad_field("commission", "commission must be an object with a type: percent, fixed or reported");
    auto const& c = value->as_object();
    commission_rule rule;
    rule.type = http::optional_string(c, "type", 20).value_or("");
    if (rule.type == "percent") {
        http::reject_unknown_fields(c, {"type", "rate_bps"});
        rule.rate_bps = http::optional_int(c, "rate_bps", 0, 10000);
        if (!rule.rate_bps)
            throw http::bad_field("rate_bps", "a percent commission needs rate_bps (1000 = 10 %)", "required");
    } else if (rule.type == "fixed") {
        http::reject_unknown_fields(c, {"type", "amount_minor"});
        rule.amount_minor = http::optional_int(c, "amount_minor", 0, 1'000'000'000'000);
        if (!rule.amount_minor)
            throw http::bad_field("amount_minor", "a fixed commission needs amount_minor", "required");
    } else if (rule.type == "reported") {
        http::reject_unknown_fields(c, {"type"});
    } else {
        throw http::bad_field("commission", "commission.type must be percent, fixed or reported");
    }
    return rule;
}

// What shop orders pay on; nothing when the body does not say.
std::optional<std::string> read_commission_base(boost::json::object const& body)
{
    auto base = http::optional_string(body, "commission_base", 20);
    if (base && *base != "subtotal" && *base != "total")
        throw http::bad_field("commission_base",
                              "commission_base must be \"subtotal\" (after discounts, without shipping, tax and "
                              "tips) or \"total\"");
    return base;
}

std::string read_name(boost::json::object const& body, bool required)
{
    auto name = http::optional_string(body, "name", 200);
    if (required && (!name || name->empty()))
        throw http::bad_field("name", "name is required", "required");
    if (name && name->empty())
        throw http::bad_field("name", "name must not be empty");
    return name.value_or("");
}

http::http_error offer_not_found() { return {status::not_found, "not_found", "no such offer", "id"}; }

} // namespace

void add_offer_routes(http::router& routes, db::database& db, std::string const& public_url)
{
    http::route_options const api{.requires_api_key = true};

    routes.add(http::verb::post, "/api/v1/offers",
               [&db, public_url](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const body = http::json_object_body(ctx.req);
        http::reject_unknown_fields(body, {"name", "currency", "commission", "attribution_window_days",
                                           "commission_base", "allow_commission_above_amount"});
        auto const name = read_name(body, true);
        auto const currency = http::optional_string(body, "currency", 3).value_or("");
        if (!currency_exponent(currency))
            throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
        auto const rule = read_commission(body);
        auto const window = http::optional_int(body, "attribution_window_days", 1, 365).value_or(30);
        auto const base = read_commission_base(body).value_or("subtotal");
        auto const above = http::optional_bool(body, "allow_commission_above_amount").value_or(false);
        auto const secrets = generate_offer_secrets();
        auto created = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const digest = crypto::sha256(secrets.postback_token);
            auto const row = tx.exec_params1(
                std::string("INSERT INTO offers (name, currency, commission_type, rate_bps, amount_minor, "
                            "attribution_window_days, postback_token_sha256, webhook_secret, commission_base, "
                            "allow_commission_above_amount) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ") + k_columns,
                name, currency, rule.type, rule.rate_bps, rule.amount_minor, window,
                pqxx::binarystring(digest.data(), digest.size()), secrets.webhook_secret, base, above);
            tx.commit();
            return offer_json(row, public_url);
        });
        add_secrets(created, secrets, public_url);
        co_return http::json_response(status::created, created);
    }, api);

    routes.add(http::verb::get, "/api/v1/offers",
               [&db, public_url](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const page = http::read_page(ctx);
        auto rows = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            boost::json::array out;
            for (auto const& row : tx.exec_params(std::string("SELECT ") + k_columns +
                                                      " FROM offers WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2",
                                                  page.before_id, page.limit + 1))
                out.push_back(offer_json(row, public_url));
            return out;
        });
        co_return http::json_response(status::ok, http::page_body("offers", std::move(rows), page));
    }, api);

    routes.add(http::verb::get, "/api/v1/offers/{id}",
               [&db, public_url](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto found = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const rows = tx.exec_params(std::string("SELECT ") + k_columns + " FROM offers WHERE id = $1", id);
            return rows.empty() ? boost::json::object() : offer_json(rows[0], public_url);
        });
        if (found.empty())
            throw offer_not_found();
        co_return http::json_response(status::ok, found);
    }, api);

    routes.add(http::verb::patch, "/api/v1/offers/{id}",
               [&db, public_url](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const body = http::json_object_body(ctx.req);
        if (body.contains("currency"))
            throw http::bad_field("currency", "an offer's currency cannot change; create a new offer",
                                  "immutable_field");
        http::reject_unknown_fields(body, {"name", "commission", "attribution_window_days", "active",
                                           "commission_base", "allow_commission_above_amount"});
        auto const name = http::optional_string(body, "name", 200);
        if (name && name->empty())
            throw http::bad_field("name", "name must not be empty");
        std::optional<commission_rule> rule;
        if (body.contains("commission"))
            rule = read_commission(body);
        auto const window = http::optional_int(body, "attribution_window_days", 1, 365);
        auto const active = http::optional_bool(body, "active");
        auto const base = read_commission_base(body);
        auto const above = http::optional_bool(body, "allow_commission_above_amount");
        auto updated = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const rows = tx.exec_params(
                std::string("UPDATE offers SET name = COALESCE($2, name), "
                            "commission_type = COALESCE($3, commission_type), "
                            "rate_bps = CASE WHEN $3::text IS NULL THEN rate_bps ELSE $4 END, "
                            "amount_minor = CASE WHEN $3::text IS NULL THEN amount_minor ELSE $5 END, "
                            "attribution_window_days = COALESCE($6, attribution_window_days), "
                            "active = COALESCE($7, active), commission_base = COALESCE($8, commission_base), "
                            "allow_commission_above_amount = COALESCE($9, allow_commission_above_amount), "
                            "updated_at = now() WHERE id = $1 RETURNING ") +
                    k_columns,
                id, name, rule ? std::optional(rule->type) : std::nullopt,
                rule ? rule->rate_bps : std::nullopt, rule ? rule->amount_minor : std::nullopt, window, active,
                base, above);
            tx.commit();
            return rows.empty() ? boost::json::object() : offer_json(rows[0], public_url);
        });
        if (updated.empty())
            throw offer_not_found();
        co_return http::json_response(status::ok, updated);
    }, api);

    // One secret at a time: a network's postback URL can be replaced without touching the
    // shop's webhook, and the other way round. The old secret stops working at once.
    routes.add(http::verb::post, "/api/v1/offers/{id}/postback-token",
               [&db, public_url](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const token = generate_offer_secrets().postback_token;
        auto const digest = crypto::sha256(token);
        auto const changed = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const result = tx.exec_params(
                "UPDATE offers SET postback_token_sha256 = $2, updated_at = now() WHERE id = $1", id,
                pqxx::binarystring(digest.data(), digest.size()));
            tx.commit();
            return result.affected_rows() == 1;
        });
        if (!changed)
            throw offer_not_found();
        co_return http::json_response(status::ok, boost::json::object{{"id", id},
                                                                      {"postback_url", postback_url(public_url, id, token)}});
    }, api);

    routes.add(http::verb::post, "/api/v1/offers/{id}/webhook-secret",
               [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const secret = generate_offer_secrets().webhook_secret;
        auto const changed = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const result = tx.exec_params(
                "UPDATE offers SET webhook_secret = $2, updated_at = now() WHERE id = $1", id, secret);
            tx.commit();
            return result.affected_rows() == 1;
        });
        if (!changed)
            throw offer_not_found();
        co_return http::json_response(status::ok, boost::json::object{{"id", id}, {"webhook_secret", secret}});
    }, api);

    // New postback token and webhook secret; the old ones stop working at once.
    routes.add(http::verb::post, "/api/v1/offers/{id}/secrets",
               [&db, public_url](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const id = http::path_id(ctx.path_param("id"));
        auto const secrets = generate_offer_secrets();
        auto rotated = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const digest = crypto::sha256(secrets.postback_token);
            auto const rows = tx.exec_params(
                std::string("UPDATE offers SET postback_token_sha256 = $2, webhook_secret = $3, "
                            "updated_at = now() WHERE id = $1 RETURNING ") + k_columns,
                id, pqxx::binarystring(digest.data(), digest.size()), secrets.webhook_secret);
            tx.commit();
            return rows.empty() ? boost::json::object() : offer_json(rows[0], public_url);
        });
        if (rotated.empty())
            throw offer_not_found();
        add_secrets(rotated, secrets, public_url);
        co_return http::json_response(status::ok, rotated);
    }, api);
}

} // namespace linkledger::money
