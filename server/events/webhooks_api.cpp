#include "events/webhooks_api.hpp"

#include "audit/audit_log.hpp"
#include "events/endpoint_store.hpp"
#include "events/webhook_signer.hpp"
#include "events/webhook_url.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>

namespace linkledger::events {
namespace {

using http::status;

constexpr std::size_t k_max_description = 500;
constexpr int k_default_page = 50;
constexpr int k_max_page = 200;

boost::json::object to_json(webhook_endpoint const& e)
{
    boost::json::array events;
    for (auto const& name : e.events)
        events.emplace_back(name);
    return {{"id", e.id},
            {"url", e.url},
            {"events", std::move(events)},
            {"format", e.format},
            {"active", e.active},
            {"description", e.description},
            {"disabled_reason", e.disabled_reason ? boost::json::value(*e.disabled_reason) : nullptr},
            {"consecutive_failures", e.consecutive_failures},
            {"previous_secret_expires_at",
             e.previous_secret_expires_at ? boost::json::value(*e.previous_secret_expires_at) : nullptr},
            {"created_at", e.created_at},
            {"updated_at", e.updated_at}};
}

// Secrets are readable by whoever may change the endpoint; a viewer sees no webhook at all.
void require_owner(http::request_context const& ctx)
{
    if (ctx.who && ctx.who->kind == http::principal::via::session && ctx.who->role != "owner")
        throw http::http_error(status::forbidden, "owner_only", "webhooks are for the owner only");
}

http::http_error endpoint_not_found()
{
    return http::http_error(status::not_found, "not_found", "no such webhook", "id");
}

std::string checked_url(boost::json::object const& body, bool allow_private)
{
    auto const url = http::optional_string(body, "url", k_max_webhook_url + 1);
    if (!url)
        throw http::bad_field("url", "url is required", "required");
    if (auto const problem = webhook_url_problem(*url, allow_private))
        throw http::bad_field("url", *problem);
    return *url;
}

std::vector<std::string> checked_events(boost::json::object const& body)
{
    auto const* value = body.if_contains("events");
    if (value == nullptr || value->is_null())
        return {std::begin(k_event_types), std::end(k_event_types)};
    if (!value->is_array() || value->as_array().empty())
        throw http::bad_field("events", "events must be a non-empty array of event names");
    std::vector<std::string> out;
    for (auto const& item : value->as_array()) {
        if (!item.is_string())
            throw http::bad_field("events", "events must be a non-empty array of event names");
        std::string_view const name(item.as_string());
        if (std::find(std::begin(k_event_types), std::end(k_event_types), name) == std::end(k_event_types))
            throw http::bad_field("events", std::string("unknown event '")
                                                .append(name.substr(0, 60))
                                                .append("': sale.created, sale.updated, link.created, "
                                                        "link.updated, link.deleted or offer.updated"));
        if (std::find(out.begin(), out.end(), name) == out.end())
            out.emplace_back(name);
    }
    return out;
}

std::string checked_format(boost::json::object const& body)
{
    auto const format = http::optional_string(body, "format", 20).value_or("standard");
    if (format != "standard" && format != "discord" && format != "slack")
        throw http::bad_field("format", "format must be \"standard\", \"discord\" or \"slack\"");
    return format;
}

int page_limit(http::request_context const& ctx)
{
    auto const text = ctx.query("limit");
    if (!text || text->empty())
        return k_default_page;
    int value = 0;
    auto const [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || ptr != text->data() + text->size() || value < 1 || value > k_max_page)
        throw http::bad_field("limit", "limit must be a whole number from 1 to 200");
    return value;
}

std::int64_t page_cursor(http::request_context const& ctx)
{
    auto const text = ctx.query("cursor");
    if (!text || text->empty())
        return 0;
    std::int64_t value = 0;
    auto const [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || ptr != text->data() + text->size() || value <= 0)
        throw http::bad_field("cursor", "cursor must be a next_cursor value from a previous page");
    return value;
}

} // namespace

webhooks_api::webhooks_api(db::database& db, bool allow_private) : db_(db), allow_private_(allow_private) {}

void webhooks_api::add_routes(http::router& routes)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [this](auto member) {
        return [this, member](http::request_context& ctx) {
            require_owner(ctx);
            return (this->*member)(ctx);
        };
    };
    routes.add(http::verb::post, "/api/v1/webhooks", bind(&webhooks_api::create), api);
    routes.add(http::verb::get, "/api/v1/webhooks", bind(&webhooks_api::list), api);
    routes.add(http::verb::get, "/api/v1/webhooks/{id}", bind(&webhooks_api::get), api);
    routes.add(http::verb::patch, "/api/v1/webhooks/{id}", bind(&webhooks_api::update), api);
    routes.add(http::verb::delete_, "/api/v1/webhooks/{id}", bind(&webhooks_api::remove), api);
    routes.add(http::verb::post, "/api/v1/webhooks/{id}/secret", bind(&webhooks_api::rotate), api);
    routes.add(http::verb::post, "/api/v1/webhooks/{id}/test", bind(&webhooks_api::test), api);
    routes.add(http::verb::get, "/api/v1/webhooks/{id}/deliveries", bind(&webhooks_api::deliveries), api);
    routes.add(http::verb::post, "/api/v1/webhooks/{id}/deliveries/{delivery_id}/resend",
               bind(&webhooks_api::resend), api);
}

net::awaitable<http::response> webhooks_api::create(http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"url", "events", "format", "active", "description"});
    new_endpoint e;
    e.url = checked_url(body, allow_private_);
    e.events = checked_events(body);
    e.format = checked_format(body);
    e.active = http::optional_bool(body, "active").value_or(true);
    e.description = http::optional_string(body, "description", k_max_description).value_or("");
    e.secret = make_webhook_secret();
    auto const created = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return insert_endpoint(tx, e); },
                              [](webhook_endpoint const& made) { return to_json(made); });
    });
    auto out = to_json(created);
    out["secret"] = e.secret; // shown this once
    co_return http::json_response(status::created, out);
}

net::awaitable<http::response> webhooks_api::list(http::request_context&)
{
    auto const all = co_await db_.run([](pqxx::connection& conn) { return list_endpoints(conn); });
    boost::json::array items;
    for (auto const& e : all)
        items.push_back(to_json(e));
    co_return http::json_response(status::ok, boost::json::object{{"webhooks", std::move(items)}});
}

net::awaitable<http::response> webhooks_api::get(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const found = co_await db_.run([id](pqxx::connection& conn) { return find_endpoint(conn, id); });
    if (!found)
        throw endpoint_not_found();
    co_return http::json_response(status::ok, to_json(*found));
}

net::awaitable<http::response> webhooks_api::update(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const body = http::json_object_body(ctx.req);
    if (body.contains("secret"))
        throw http::bad_field("secret", "a secret is made by POST /api/v1/webhooks/{id}/secret", "immutable_field");
    http::reject_unknown_fields(body, {"url", "events", "format", "active", "description"});
    endpoint_changes c;
    if (body.contains("url"))
        c.url = checked_url(body, allow_private_);
    if (body.contains("events")) {
        if (body.at("events").is_null())
            throw http::bad_field("events", "events must be a non-empty array of event names");
        c.events = checked_events(body);
    }
    if (body.contains("format"))
        c.format = checked_format(body);
    c.active = http::optional_bool(body, "active");
    if (body.contains("description"))
        c.description = http::optional_string(body, "description", k_max_description).value_or("");
    auto const updated = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return update_endpoint(tx, id, c); },
                              [](auto const& changed) { return to_json(*changed); });
    });
    if (!updated)
        throw endpoint_not_found();
    co_return http::json_response(status::ok, to_json(*updated));
}

net::awaitable<http::response> webhooks_api::remove(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const deleted = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return delete_endpoint(tx, id); },
                              [](bool) { return boost::json::object{}; });
    });
    if (!deleted)
        throw endpoint_not_found();
    http::response res{status::no_content, 11};
    co_return res;
}

net::awaitable<http::response> webhooks_api::rotate(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const secret = make_webhook_secret();
    auto const rotated = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return rotate_secret(tx, id, secret, k_secret_overlap_hours); },
                              [](auto const& changed) { return to_json(*changed); });
    });
    if (!rotated)
        throw endpoint_not_found();
    auto out = to_json(*rotated);
    out["secret"] = secret;
    co_return http::json_response(status::ok, out);
}

net::awaitable<http::response> webhooks_api::test(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const found = co_await db_.run([id](pqxx::connection& conn) { return find_endpoint(conn, id); });
    if (!found)
        throw endpoint_not_found();
    if (!found->active)
        throw http::http_error(status::conflict, "endpoint_disabled",
                               "this webhook is disabled: make it active (PATCH {\"active\": true}) first");
    auto const queued = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return enqueue_ping(tx, id); },
                              [](auto const& ping) { return *ping; });
    });
    if (!queued)
        throw endpoint_not_found();
    co_return http::json_response(status::accepted, *queued);
}

net::awaitable<http::response> webhooks_api::deliveries(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    int const limit = page_limit(ctx);
    auto const before = page_cursor(ctx);
    auto const found = co_await db_.run([id](pqxx::connection& conn) { return find_endpoint(conn, id); });
    if (!found)
        throw endpoint_not_found();
    auto const page = co_await db_.run(
        [id, before, limit](pqxx::connection& conn) { return list_deliveries(conn, id, before, limit + 1); });
    boost::json::array items;
    for (std::size_t i = 0; i < page.size() && i < static_cast<std::size_t>(limit); ++i)
        items.push_back(page[i]);
    boost::json::value next = nullptr;
    if (page.size() > static_cast<std::size_t>(limit))
        next = std::to_string(page[static_cast<std::size_t>(limit) - 1].at("id").as_int64());
    co_return http::json_response(status::ok,
                                  boost::json::object{{"deliveries", std::move(items)}, {"next_cursor", next}});
}

net::awaitable<http::response> webhooks_api::resend(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const delivery_id = http::path_id(ctx.path_param("delivery_id"));
    auto const resent = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return resend_delivery(tx, id, delivery_id); },
                              [](auto const& again) { return *again; });
    });
    if (!resent)
        throw http::http_error(status::not_found, "not_found", "no such delivery of this webhook", "delivery_id");
    co_return http::json_response(status::accepted, *resent);
}

} // namespace linkledger::events
