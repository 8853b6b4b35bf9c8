#include "users/preferences_api.hpp"

#include "auth/authenticate.hpp"
#include "crypto/digest.hpp"
#include "db/time_zones.hpp"
#include "http/cookies.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "users/preferences_store.hpp"

#include <pqxx/pqxx>

namespace linkledger::users {
namespace {

using http::status;

boost::json::object to_json(std::optional<std::string> const& chosen, std::string const& instance_zone)
{
    return {{"time_zone", chosen ? boost::json::value(*chosen) : boost::json::value(nullptr)},
            {"default_time_zone", instance_zone},
            {"effective_time_zone", chosen.value_or(instance_zone)}};
}

http::http_error bad_zone()
{
    return http::bad_field("time_zone", "time_zone must be an IANA time zone name such as Europe/Paris, or null");
}

} // namespace

void preferences_api::add_routes(http::router& routes)
{
    routes.add(http::verb::get, "/api/v1/preferences", [this](http::request_context& ctx) { return show(ctx); },
               {.requires_api_key = true});
    routes.add(http::verb::put, "/api/v1/preferences", [this](http::request_context& ctx) { return change(ctx); },
               {.max_body_bytes = 4 * 1024});
}

net::awaitable<http::response> preferences_api::show(http::request_context& ctx)
{
    std::optional<std::string> chosen;
    if (ctx.who->kind == http::principal::via::session) {
        auto const user_id = ctx.who->id;
        chosen = co_await db_.run([user_id](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            return time_zone_of(tx, user_id);
        });
    }
    co_return http::json_response(status::ok, to_json(chosen, instance_zone_));
}

net::awaitable<http::response> preferences_api::change(http::request_context& ctx)
{
    if (!ctx.req[http::bhttp::field::authorization].empty())
        throw http::http_error(status::forbidden, "not_a_user",
                               "preferences belong to a dashboard user; API requests name their zone with tz=",
                               "Authorization");
    http::credentials presented;
    presented.session_id = http::cookie(ctx.req, http::k_session_cookie).value_or("");
    if (presented.session_id.empty())
        throw http::http_error(status::unauthorized, "unauthorized", "log in to the dashboard first", "Cookie");
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"time_zone"});
    if (!body.contains("time_zone"))
        throw http::bad_field("time_zone", "time_zone is required (a zone name, or null)", "required");
    std::optional<std::string> zone;
    if (!http::is_explicit_null(body, "time_zone")) {
        auto const* text = body.at("time_zone").if_string();
        if (text == nullptr || !db::plausible_zone_name(std::string_view(*text)))
            throw bad_zone();
        zone = std::string(*text);
    }
    auto const csrf = std::string(ctx.req["X-CSRF-Token"]);
    auto const saved = co_await db_.run([&](pqxx::connection& conn) {
        auto const who = auth::authenticate(conn, presented);
        if (!who)
            throw http::http_error(status::unauthorized, "unauthorized",
                                   "the session has expired or was revoked; log in again", "Cookie");
        // A cookie rides along with a forged cross-site request too.
        if (!crypto::constant_time_equal(csrf, who->csrf_token))
            throw http::http_error(status::forbidden, "csrf_failed",
                                   "the X-CSRF-Token header is missing or wrong; reload the page", "X-CSRF-Token");
        pqxx::work tx(conn);
        if (zone && !db::known_zone(tx, *zone))
            throw bad_zone();
        // A display preference changes no figure, so it is not written to the audit log.
        set_time_zone(tx, who->id, zone);
        tx.commit();
        return zone;
    });
    co_return http::json_response(status::ok, to_json(saved, instance_zone_));
}

} // namespace linkledger::users
