#include "links/redirect_handler.hpp"

#include "clicks/click_id.hpp"
#include "clicks/ip_anonymizer.hpp"
#include "clicks/text_sanitizer.hpp"
#include "http/response.hpp"
#include "links/slug.hpp"
#include "links/target_url.hpp"

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
    routes.add_now(http::verb::get, "/{slug}", handler);
    routes.add_now(http::verb::head, "/{slug}", handler);
}

http::response redirect_handler::redirect(http::request_context const& ctx) const
{
    auto const& slug = ctx.path_param("slug");
    auto const entry = is_well_formed_slug(slug) ? table_.find(slug) : std::nullopt;
    if (!entry) {
        count(metrics::redirect_outcome::not_found);
        return not_found_page();
    }
    if (!entry->active || entry->deleted) {
        count(metrics::redirect_outcome::gone);
        return http::message_page(http::status::gone, "Link no longer active",
                                  "The creator has retired this link.");
    }

    clicks::click c;
    c.click_id = clicks::new_click_id();
    c.link_id = entry->id;
    c.at = std::chrono::system_clock::now();
    c.ip_anon = clicks::anonymize_ip(ctx.remote_ip);
    c.country = geo_.country(ctx.remote_ip);
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
    auto const traits = classifier_.classify(c.user_agent);
    c.in_app = traits.in_app;
    c.device = traits.device;
    c.os = traits.os;
    c.source = clicks::traffic_source(c.utm_source, c.in_app, c.referer);
    // HEAD is how previewers and link checkers look: it redirects, but is not a click.
    if (ctx.req.method() == http::verb::head) {
        c.bot = true;
        c.bot_reason = "head request";
    } else if (!traits.bot_reason.empty()) {
        c.bot = true;
        c.bot_reason = traits.bot_reason;
    }
    // Staged here, written by the listener before the reply leaves (group commit). A failed
    // write is counted and logged by the journal; the follower is redirected all the same.
    journal_.stage(c);
    count(c.bot ? metrics::redirect_outcome::bot : metrics::redirect_outcome::click);

    http::response res{http::status::found, 11};
    res.set(http::bhttp::field::location, expand_target(entry->target_url, c.click_id));
    res.set(http::bhttp::field::cache_control, "no-store");
    // The merchant learns which site sent the follower (its origin), never the full address
    // of the page they came from. Only these two short headers: this is the hot path.
    res.set("Referrer-Policy", "strict-origin-when-cross-origin");
    return res;
}

} // namespace linkledger::links
