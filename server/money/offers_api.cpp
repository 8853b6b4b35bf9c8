#include "money/offers_api.hpp"

#include "audit/audit_log.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "money/offer.hpp"
#include "money/offer_store.hpp"
#include "money/store_rows.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

// What GET and lists show in place of the postback token (documented in the README).
constexpr std::string_view k_hidden_token = "<shown-once>";

std::string postback_url(std::string const& public_url, std::int64_t offer_id, std::string_view token)
{
    return public_url + "/postback/" + std::to_string(offer_id) + "?token=" + std::string(token) +
           "&click_id={click_id}&txid={txid}&amount={amount}&currency={currency}&status={status}";
}

// {"type": "percent", "rate_bps": 1000} rather than three flat columns. The keys keep the order
// the first API gave them (its columns, rearranged as Boost 1.81's object::erase moves the last
// key into an erased one's place): the API is compared from outside, byte for byte.
boost::json::object to_json(offer_info const& o, std::string const& public_url)
{
    boost::json::object commission{{"type", o.commission.type}};
    if (o.commission.rate_bps)
        commission["rate_bps"] = *o.commission.rate_bps;
    if (o.commission.amount_minor)
        commission["amount_minor"] = *o.commission.amount_minor;
    auto const id = std::to_string(o.id);
    return {{"id", o.id},
            {"name", o.name},
            {"currency", o.currency},
            {"updated_at", o.updated_at},
            {"created_at", o.created_at},
            {"allow_commission_above_amount", o.allow_commission_above_amount},
            {"attribution_window_days", o.attribution_window_days},
            {"active", o.active},
            {"commission_base", o.commission_base},
            {"commission", std::move(commission)},
            // The token is never readable again after creation: the URL shows where it goes.
            {"postback_url", postback_url(public_url, o.id, k_hidden_token)},
            {"webhook_urls",
             {{"shopify", public_url + "/webhooks/shopify/" + id},
              {"woocommerce", public_url + "/webhooks/woocommerce/" + id}}}};
}

// Secrets are shown when made (creation, rotation) and never again: a new token in place of
// the hidden one in postback_url, a new webhook secret last.
void show_secrets(boost::json::object& o, std::int64_t id, offer_secret_changes const& made,
                  std::string const& public_url)
{
    if (made.postback_token)
        o["postback_url"] = postback_url(public_url, id, *made.postback_token);
    if (made.webhook_secret)
        o["webhook_secret"] = *made.webhook_secret;
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


net::awaitable<http::response> create(db::database& db, std::string const& public_url, http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"name", "currency", "commission", "attribution_window_days",
                                       "commission_base", "allow_commission_above_amount"});
    offer_terms o;
    o.name = read_name(body, true);
    o.currency = http::optional_string(body, "currency", 3).value_or("");
    if (!currency_exponent(o.currency))
        throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
    o.commission = read_commission(body);
    o.attribution_window_days =
        static_cast<int>(http::optional_int(body, "attribution_window_days", 1, 365).value_or(30));
    o.commission_base = read_commission_base(body).value_or("subtotal");
    o.allow_commission_above_amount = http::optional_bool(body, "allow_commission_above_amount").value_or(false);
    auto const secrets = generate_offer_secrets();
    // Encoded on the database thread: g++ 12 -O3 sees a false -Wmaybe-uninitialized in an
    // offer_info carried back across the co_await.
    auto json = co_await db.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return to_json(insert_offer(tx, o, secrets), public_url); },
                              [](boost::json::object const& made) { return made; });
    });
    show_secrets(json, json.at("id").as_int64(), {secrets.postback_token, secrets.webhook_secret}, public_url);
    co_return http::json_response(status::created, json);
}

net::awaitable<http::response> list(db::database& db, std::string const& public_url, http::request_context& ctx)
{
    auto const page = http::read_page(ctx);
    auto const offers = co_await db.run(
        [&page](pqxx::connection& conn) { return list_offers(conn, page.before_id, page.limit + 1); });
    auto encode = [&public_url](offer_info const& o) { return to_json(o, public_url); };
    co_return http::json_response(status::ok, json_page("offers", offers, page, encode));
}

net::awaitable<http::response> get(db::database& db, std::string const& public_url, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const found = co_await db.run([id](pqxx::connection& conn) { return find_offer(conn, id); });
    if (!found)
        throw offer_not_found();
    co_return http::json_response(status::ok, to_json(*found, public_url));
}

net::awaitable<http::response> update(db::database& db, std::string const& public_url, http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const body = http::json_object_body(ctx.req);
    if (body.contains("currency"))
        throw http::bad_field("currency", "an offer's currency cannot change; create a new offer", "immutable_field");
    http::reject_unknown_fields(body, {"name", "commission", "attribution_window_days", "active", "commission_base",
                                       "allow_commission_above_amount"});
    offer_changes changes;
    changes.name = http::optional_string(body, "name", 200);
    if (changes.name && changes.name->empty())
        throw http::bad_field("name", "name must not be empty");
    if (body.contains("commission"))
        changes.commission = read_commission(body);
    changes.attribution_window_days = http::optional_int(body, "attribution_window_days", 1, 365);
    changes.active = http::optional_bool(body, "active");
    changes.commission_base = read_commission_base(body);
    changes.allow_commission_above_amount = http::optional_bool(body, "allow_commission_above_amount");
    auto const updated = co_await db.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return update_offer(tx, id, changes); },
                              [&](auto const& changed) { return to_json(*changed, public_url); });
    });
    if (!updated)
        throw offer_not_found();
    co_return http::json_response(status::ok, to_json(*updated, public_url));
}

// Which secrets a rotation route replaces; the old ones stop working at once.
struct rotation {
    bool postback_token;
    bool webhook_secret;
};

// One secret at a time lets a network's postback URL be replaced without touching the shop's
// webhook, and the other way round: the answer is the offer's id and the new secret. Both at
// once answer with the whole offer, as creation does.
net::awaitable<http::response> rotate(db::database& db, std::string const& public_url, http::request_context& ctx,
                                      rotation which)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const fresh = generate_offer_secrets();
    offer_secret_changes made;
    if (which.postback_token)
        made.postback_token = fresh.postback_token;
    if (which.webhook_secret)
        made.webhook_secret = fresh.webhook_secret;
    auto answer = [&](offer_info const& rotated) {
        return which.postback_token && which.webhook_secret ? to_json(rotated, public_url)
                                                            : boost::json::object{{"id", id}};
    };
    auto const rotated = co_await db.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return replace_offer_secrets(tx, id, made); },
                              [&](auto const& changed) { return answer(*changed); });
    });
    if (!rotated)
        throw offer_not_found();
    auto json = answer(*rotated);
    show_secrets(json, id, made, public_url);
    co_return http::json_response(status::ok, json);
}

} // namespace

void add_offer_routes(http::router& routes, db::database& db, std::string const& public_url)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [&db, public_url](auto handler) {
        return [&db, public_url, handler](http::request_context& ctx) { return handler(db, public_url, ctx); };
    };
    auto bind_rotation = [&db, public_url](rotation which) {
        return [&db, public_url, which](http::request_context& ctx) { return rotate(db, public_url, ctx, which); };
    };
    routes.add(http::verb::post, "/api/v1/offers", bind(create), api);
    routes.add(http::verb::get, "/api/v1/offers", bind(list), api);
    routes.add(http::verb::get, "/api/v1/offers/{id}", bind(get), api);
    // The digits of each currency, as every amount in and out of the API counts them.
    routes.add(http::verb::get, "/api/v1/currencies", [](http::request_context&) -> net::awaitable<http::response> {
        boost::json::object digits;
        for (auto const& [code, exponent] : known_currencies())
            digits[code] = exponent;
        co_return http::json_response(status::ok, boost::json::object{{"currencies", std::move(digits)}});
    }, api);
    routes.add(http::verb::patch, "/api/v1/offers/{id}", bind(update), api);
    routes.add(http::verb::post, "/api/v1/offers/{id}/postback-token", bind_rotation({true, false}), api);
    routes.add(http::verb::post, "/api/v1/offers/{id}/webhook-secret", bind_rotation({false, true}), api);
    routes.add(http::verb::post, "/api/v1/offers/{id}/secrets",
               bind_rotation({true, true}), api);
}

} // namespace linkledger::money
