#include "bio/bio_api.hpp"

#include "audit/audit_log.hpp"
#include "bio/bio_page.hpp"
#include "bio/profile_store.hpp"
#include "bio/qr_code.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "links/link_store.hpp"
#include "web/embedded_assets.hpp"
#include "web/page_headers.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>

namespace linkledger::bio {
namespace {

using http::status;

bool valid_handle(std::string_view h)
{
    return !h.empty() && h.size() <= 30 && std::all_of(h.begin(), h.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_' || c == '.';
    });
}

boost::json::value profile_json(std::optional<profile> const& p, std::string const& public_url)
{
    if (!p)
        return boost::json::object{{"handle", nullptr}, {"display_name", nullptr},
                                   {"avatar_url", nullptr}, {"language", "fr"}, {"bio_url", nullptr},
                                   {"published", false}};
    boost::json::object out{{"handle", p->handle},
                            {"display_name", p->display_name},
                            {"language", p->language},
                            {"bio_url", public_url + "/@" + p->handle},
                            {"qr_svg", "/@" + p->handle + "/qr.svg"},
                            {"qr_png", "/@" + p->handle + "/qr.png"},
                            {"published", p->published}};
    out["avatar_url"] = p->avatar_url.empty() ? boost::json::value(nullptr)
                                              : boost::json::value(p->avatar_url);
    return out;
}

http::response qr_response(std::string const& text, bool png)
{
    auto const matrix = encode_qr(text);
    http::response res{status::ok, 11};
    res.set(http::bhttp::field::content_type, png ? "image/png" : "image/svg+xml");
    res.set(http::bhttp::field::cache_control, "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    res.body() = png ? qr_png(matrix) : qr_svg(matrix);
    return res;
}

http::http_error no_bio_page()
{
    return http::http_error(status::not_found, "not_found", "no such bio page", "handle");
}

} // namespace

bio_api::bio_api(db::database& db, std::string public_url)
    : db_(db), public_url_(std::move(public_url))
{
}

void bio_api::add_routes(http::router& routes)
{
    http::route_options const api{.requires_api_key = true};
    routes.add(http::verb::get, "/api/v1/profile", [this](auto& ctx) { return get_profile(ctx); }, api);
    routes.add(http::verb::put, "/api/v1/profile", [this](auto& ctx) { return put_profile(ctx); }, api);
    routes.add(http::verb::delete_, "/api/v1/profile", [this](auto& ctx) { return delete_profile(ctx); }, api);
    routes.add(http::verb::get, "/api/v1/profile/links", [this](auto& ctx) { return list_links(ctx); }, api);
    routes.add(http::verb::get, "/api/v1/links/{id}/qr.svg",
               [this](auto& ctx) { return link_qr(ctx, false); }, api);
    routes.add(http::verb::get, "/api/v1/links/{id}/qr.png",
               [this](auto& ctx) { return link_qr(ctx, true); }, api);
    routes.add(http::verb::get, "/@{handle}", [this](auto& ctx) { return page(ctx); });
    routes.add(http::verb::get, "/@{handle}/qr.svg", [this](auto& ctx) { return page_qr(ctx, false); });
    routes.add(http::verb::get, "/@{handle}/qr.png", [this](auto& ctx) { return page_qr(ctx, true); });
}

net::awaitable<http::response> bio_api::get_profile(http::request_context&)
{
    auto const found = co_await db_.run([](pqxx::connection& conn) { return find_profile(conn); });
    co_return http::json_response(status::ok, profile_json(found, public_url_));
}

net::awaitable<http::response> bio_api::put_profile(http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"handle", "display_name", "avatar_url", "language"});
    profile p;
    auto const handle = http::optional_string(body, "handle", 30);
    if (!handle || !valid_handle(*handle))
        throw http::bad_field("handle", "handle must be 1 to 30 characters from A-Z, a-z, 0-9, '_' and '.'");
    p.handle = *handle;
    auto const name = http::optional_string(body, "display_name", 100);
    if (!name || name->empty())
        throw http::bad_field("display_name", "display_name is required (1 to 100 bytes)", "required");
    p.display_name = *name;
    p.avatar_url = http::optional_string(body, "avatar_url", 2048).value_or("");
    if (!p.avatar_url.empty() &&
        (!p.avatar_url.starts_with("https://") || p.avatar_url.size() <= 8 ||
         p.avatar_url.find_first_of(" \"'<>\\") != std::string::npos))
        throw http::bad_field("avatar_url", "avatar_url must be an https:// address");
    auto const language = http::optional_string(body, "language", 2);
    if (!language || (*language != "fr" && *language != "en"))
        throw http::bad_field("language", "language must be \"fr\" or \"en\"");
    p.language = *language;
    auto const saved = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return save_profile(tx, p); },
                              [&](profile const& made) { return profile_json(made, public_url_).as_object(); });
    });
    co_return http::json_response(status::ok, profile_json(saved, public_url_));
}

net::awaitable<http::response> bio_api::delete_profile(http::request_context& ctx)
{
    auto const taken_down = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [](auto& tx) { return unpublish_profile(tx); },
                              [&](std::optional<profile> const& was) { return profile_json(was, public_url_).as_object(); });
    });
    if (!taken_down)
        throw http::http_error(status::not_found, "not_found", "no published bio page");
    co_return http::response{status::no_content, 11};
}

net::awaitable<http::response> bio_api::list_links(http::request_context&)
{
    auto const links = co_await db_.run([](pqxx::connection& conn) { return list_bio_links(conn); });
    boost::json::array out;
    for (auto const& l : links)
        out.push_back({{"id", l.id},
                       {"slug", l.slug},
                       {"title", l.title},
                       {"bio_position", l.bio_position},
                       {"hidden", l.hidden ? boost::json::value(*l.hidden) : boost::json::value(nullptr)}});
    co_return http::json_response(status::ok, boost::json::object{{"links", std::move(out)}});
}

net::awaitable<http::response> bio_api::page(http::request_context& ctx)
{
    auto const& handle = ctx.path_param("handle");
    std::vector<bio_card> cards;
    std::optional<profile> found;
    if (valid_handle(handle))
        found = co_await db_.run(
            [&handle, &cards](pqxx::connection& conn) { return find_bio_page(conn, handle, cards); });
    if (!found) {
        // A follower who typed or tapped a wrong address reads why in their own language.
        auto const language = visitor_language(ctx.req[http::bhttp::field::accept_language]);
        auto res = http::html_response(status::not_found,
                                       render_missing_bio_page(language, web::find_asset("bio/bio.css")));
        web::add_page_headers(res, web::bio_csp());
        res.set(http::bhttp::field::vary, "Accept-Language");
        co_return res;
    }
    auto res = http::html_response(
        status::ok, render_bio_page(*found, cards, public_url_, web::find_asset("bio/bio.css")));
    web::add_page_headers(res, web::bio_csp());
    // Short: a link added in the dashboard shows up within a minute even behind a cache.
    res.set(http::bhttp::field::cache_control, "public, max-age=60");
    co_return res;
}

net::awaitable<http::response> bio_api::page_qr(http::request_context& ctx, bool png)
{
    auto const& handle = ctx.path_param("handle");
    std::vector<bio_card> cards;
    std::optional<profile> found;
    if (valid_handle(handle))
        found = co_await db_.run(
            [&handle, &cards](pqxx::connection& conn) { return find_bio_page(conn, handle, cards); });
    if (!found)
        throw no_bio_page();
    co_return qr_response(public_url_ + "/@" + found->handle, png);
}

net::awaitable<http::response> bio_api::link_qr(http::request_context& ctx, bool png)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const found = co_await db_.run([&id](pqxx::connection& conn) { return links::find_link(conn, id); });
    if (!found)
        throw http::http_error(status::not_found, "not_found", "no such link", "id");
    co_return qr_response(public_url_ + "/" + found->slug, png);
}

} // namespace linkledger::bio
