#include "links/redirect_handler.hpp"

#include "clicks/click_id.hpp"
#include "clicks/click_store.hpp"
#include "clicks/ip_anonymizer.hpp"
#include "clicks/text_sanitizer.hpp"
#include "http/response.hpp"
#include "links/link_store.hpp"
#include "links/slug.hpp"
#include "links/target_url.hpp"

#include <pqxx/pqxx>

namespace linkledger::links {
namespace {

constexpr std::size_t k_max_user_agent_bytes = 512;
constexpr std::size_t k_max_referer_bytes = 1024;
constexpr std::size_t k_max_utm_bytes = 200;

http::response not_found_page()
{
    return http::message_page(http::status::not_found, "Link not found",
                              "This link does not exist. Check the address and try again.");
}

} // namespace

void redirect_handler::add_routes(http::router& routes)
{
    auto handler = [this](http::request_context& ctx) { return redirect(ctx); };
    routes.add(http::verb::get, "/{slug}", handler);
    routes.add(http::verb::head, "/{slug}", handler);
}

net::awaitable<http::response> redirect_handler::redirect(http::request_context& ctx)
{
    auto const slug = ctx.path_param("slug");
    if (!is_well_formed_slug(slug))
        co_return not_found_page();

    clicks::click c;
    c.click_id = clicks::new_click_id();
    c.at = std::chrono::system_clock::now();
    c.ip_anon = clicks::anonymize_ip(ctx.remote_ip);
    c.user_agent = clicks::storable_text(ctx.req[http::bhttp::field::user_agent], k_max_user_agent_bytes);
    c.referer = clicks::storable_text(ctx.req[http::bhttp::field::referer], k_max_referer_bytes);
    auto const utm = [&](std::string_view name) {
        return clicks::storable_text(ctx.query(name).value_or(""), k_max_utm_bytes);
    };
    c.utm_source = utm("utm_source");
    c.utm_medium = utm("utm_medium");
    c.utm_campaign = utm("utm_campaign");
    c.utm_term = utm("utm_term");
    c.utm_content = utm("utm_content");
    // HEAD is how previewers and checkers look at a link: it redirects but is not a click.
    bool const counts = ctx.req.method() == http::verb::get;

    auto const entry = co_await db_.run([&slug, &c, counts](pqxx::connection& conn) {
        pqxx::work tx(conn);
        auto const found = find_redirect(tx, slug);
        if (found && found->active && !found->deleted && counts) {
            c.link_id = found->id;
            clicks::insert_click(tx, c);
        }
        tx.commit();
        return found;
    });

    if (!entry)
        co_return not_found_page();
    if (!entry->active || entry->deleted)
        co_return http::message_page(http::status::gone, "Link no longer active",
                                     "The creator has retired this link.");
    http::response res{http::status::found, 11};
    res.set(http::bhttp::field::location, expand_target(entry->target_url, c.click_id));
    res.set(http::bhttp::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer-when-downgrade");
    co_return res;
}

} // namespace linkledger::links
