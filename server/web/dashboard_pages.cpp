#include "web/dashboard_pages.hpp"

#include "auth/session_store.hpp"
#include "http/cookies.hpp"
#include "http/http_error.hpp"
#include "http/response.hpp"
#include "web/embedded_assets.hpp"
#include "web/page_headers.hpp"

#include <pqxx/pqxx>

namespace linkledger::web {
namespace {

using http::status;

http::response asset_response(std::string_view path)
{
    auto const content = find_asset(path);
    auto const type = content_type_for(path);
    if (content.empty() || type.empty())
        throw http::http_error(status::not_found, "not_found", "no such file");
    http::response res{status::ok, 11};
    res.set(http::bhttp::field::content_type, type);
    // Revalidated each time: the binary may have been upgraded; the files are small.
    res.set(http::bhttp::field::cache_control, "no-cache");
    res.body() = std::string(content);
    add_page_headers(res, k_dashboard_csp);
    return res;
}

} // namespace

std::string_view content_type_for(std::string_view path)
{
    if (path.ends_with(".html"))
        return "text/html; charset=utf-8";
    if (path.ends_with(".css"))
        return "text/css; charset=utf-8";
    if (path.ends_with(".js"))
        return "text/javascript; charset=utf-8";
    if (path.ends_with(".svg"))
        return "image/svg+xml";
    if (path.ends_with(".txt"))
        return "text/plain; charset=utf-8";
    return {};
}

void dashboard_pages::add_routes(http::router& routes)
{
    routes.add(http::verb::get, "/dashboard",
               [this](http::request_context& ctx) { return index(ctx); });
    routes.add(http::verb::get, "/dashboard/{file}", [](http::request_context& ctx) {
        auto const& file = ctx.path_param("file");
        return [](std::string path) -> net::awaitable<http::response> {
            co_return asset_response(path);
        }("dashboard/" + file);
    });
    routes.add(http::verb::get, "/", [](http::request_context&) -> net::awaitable<http::response> {
        http::response res{status::found, 11};
        res.set(http::bhttp::field::location, "/dashboard");
        co_return res;
    });
}

net::awaitable<http::response> dashboard_pages::index(http::request_context& ctx)
{
    auto const session_id = http::cookie(ctx.req, http::k_session_cookie).value_or("");
    std::optional<auth::session_info> found;
    if (!session_id.empty())
        found = co_await db_.run(
            [&session_id](pqxx::connection& conn) { return auth::find_session(conn, session_id); });
    if (!found) {
        http::response res{status::see_other, 11};
        res.set(http::bhttp::field::location, "/login?next=/dashboard");
        res.set(http::bhttp::field::cache_control, "no-store");
        co_return res;
    }
    auto res = asset_response("dashboard/index.html");
    res.set(http::bhttp::field::cache_control, "no-store");
    co_return res;
}

} // namespace linkledger::web
