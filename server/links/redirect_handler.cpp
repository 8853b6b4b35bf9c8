#include "links/redirect_handler.hpp"

#include "clicks/click_id.hpp"
#include "clicks/ip_anonymizer.hpp"
#include "clicks/text_sanitizer.hpp"
#include "http/response.hpp"
#include "http/wire_format.hpp"
#include "links/escape_page.hpp"
#include "links/slug.hpp"
#include "links/target_url.hpp"
#include "logging/logging.hpp"

#include <atomic>

namespace linkledger::links {
namespace {

constexpr std::size_t k_max_user_agent_bytes = 512;
constexpr std::size_t k_max_referer_bytes = 1024;
constexpr std::size_t k_max_utm_bytes = 200;
// Only these two short headers on the 302: this is the hot path. The merchant learns which
// site sent the follower (its origin), never the full address of the page they came from.
constexpr std::string_view k_cache_control = "no-store";
constexpr std::string_view k_referrer_policy = "strict-origin-when-cross-origin";

// The pages a link gives instead of its 302 are the same for every request: made once, so the
// quick road can write them without building them (router::answer_quickly).
http::response const& not_found_page()
{
    static http::response const page = http::message_page(
        http::status::not_found, "Link not found", "This link does not exist. Check the address and try again.");
    return page;
}

http::response const& gone_page()
{
    static http::response const page =
        http::message_page(http::status::gone, "Link no longer active", "The creator has retired this link.");
    return page;
}

http::response const& not_yet_page()
{
    static http::response const page = http::message_page(http::status::not_found, "Link not active yet",
                                                           "This link is not active yet. Come back later.");
    return page;
}

http::response const& expired_page()
{
    static http::response const page =
        http::message_page(http::status::gone, "Link expired", "This link has expired.");
    return page;
}

// A Location past 8 KB keeps the target without the visitor's query; logged at most once a
// minute, since a crawler could send such queries all day.
void log_query_not_forwarded(std::int64_t link_id, std::size_t query_bytes)
{
    static std::atomic<std::int64_t> last_log{0};
    auto const now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    auto last = last_log.load(std::memory_order_relaxed);
    if (now - last < 60 || !last_log.compare_exchange_strong(last, now))
        return;
    logging::warn("redirect: visitor query not forwarded, the Location would pass 8 KB",
                  {{"link_id", link_id}, {"query_bytes", query_bytes}});
}

// Counts one more human click against the link's budget; false when it is spent.
bool within_click_budget(redirect_entry const& entry)
{
    if (entry.max_clicks <= 0 || !entry.served)
        return true;
    auto const before = entry.served->fetch_add(1, std::memory_order_relaxed);
    if (entry.clicks_at_load + (before - entry.served_at_load) < entry.max_clicks)
        return true;
    entry.served->fetch_sub(1, std::memory_order_relaxed);
    return false;
}

bool click_budget_spent(redirect_entry const& entry)
{
    return entry.max_clicks > 0 && entry.served &&
           entry.clicks_at_load + (entry.served->load(std::memory_order_relaxed) - entry.served_at_load) >=
               entry.max_clicks;
}

} // namespace

void redirect_handler::add_routes(http::router& routes)
{
    auto handler = [this](http::request_context& ctx) { return redirect(ctx); };
    auto quick = [this](http::quick_request const& req, unsigned version, bool keep_alive, std::string& out) {
        return redirect_quickly(req, version, keep_alive, out);
    };
    routes.add_now(http::verb::get, "/{slug}", handler, quick);
    routes.add_now(http::verb::head, "/{slug}", handler, quick);
}

http::response redirect_handler::redirect(http::request_context const& ctx) const
{
    auto const header = [&ctx](http::bhttp::field name) {
        auto const value = ctx.req[name];
        return std::string_view(value.data(), value.size());
    };
    follower_request const follower{ctx.req.method(), ctx.path_param("slug"), ctx.target, header(http::bhttp::field::user_agent),
                              header(http::bhttp::field::referer), header(http::bhttp::field::accept_language),
                              ctx.remote_ip};
    std::string location;
    auto outcome = resolve(follower, false, location);
    if (outcome.fixed_page)
        return *outcome.fixed_page;
    if (outcome.page)
        return std::move(*outcome.page);
    http::response res{http::status::found, 11};
    res.set(http::bhttp::field::location, location);
    res.set(http::bhttp::field::cache_control, k_cache_control);
    res.set("Referrer-Policy", k_referrer_policy);
    return res;
}

http::quick_result redirect_handler::redirect_quickly(http::quick_request const& req, unsigned version,
                                                      bool keep_alive, std::string& out) const
{
    follower_request const follower{req.method,  req.capture, req.target, req.user_agent,
                              req.referer, req.accept_language, req.remote_ip};
    // Kept by the I/O thread between redirects, like the click in resolve(): no allocation
    // unless the visitor's query is forwarded (with_visitor_query builds a new string).
    thread_local std::string location;
    auto const outcome = resolve(follower, true, location);
    if (outcome.fixed_page)
        return {outcome.fixed_page->result_int(), outcome.fixed_page};
    if (!outcome.redirect)
        return {};
    http::append_found_wire(out, version, keep_alive, location,
                            {{"Cache-Control", k_cache_control}, {"Referrer-Policy", k_referrer_policy}});
    return {302, nullptr};
}

redirect_handler::outcome redirect_handler::resolve(follower_request const& follower, bool found_only,
                                                    std::string& location) const
{
    auto const entry = is_well_formed_slug(follower.slug) ? table_.find(follower.slug) : nullptr;
    if (!entry) {
        count(metrics::redirect_outcome::not_found);
        return {false, std::nullopt, &not_found_page()};
    }
    if (!entry->active || entry->deleted) {
        count(metrics::redirect_outcome::gone);
        return {false, std::nullopt, &gone_page()};
    }
    // Asked for a 302 or a fixed page only, anything else (the escape page, a click budget) is
    // declined before it does or counts anything: the full road then answers the same request
    // from the start.
    if (found_only && entry->max_clicks > 0)
        return {};

    // One click per I/O thread, filled anew for each redirect: its strings keep their memory,
    // so the steady state allocates none for them. Every field is set below or reset here.
    thread_local clicks::click c;
    c.bot = false;
    c.bot_reason.clear();
    c.rule = clicks::k_no_rule;
    c.at = std::chrono::system_clock::now();
    clicks::new_click_id(c.click_id, c.at);
    c.link_id = entry->id;
    c.ip_anon = clicks::anonymize_ip(follower.remote_ip);
    c.country = geo_.country(follower.remote_ip);
    clicks::storable_text(c.user_agent, follower.user_agent, k_max_user_agent_bytes);
    clicks::storable_text(c.referer, follower.referer, k_max_referer_bytes);
    auto const params = follower.target.params();
    auto const utm = [&](std::string& field, std::string_view name) {
        auto const it = params.find(name);
        if (it == params.end())
            field.clear();
        else
            clicks::storable_text(field, (*it).value, k_max_utm_bytes);
    };
    utm(c.utm_source, "utm_source");
    utm(c.utm_medium, "utm_medium");
    utm(c.utm_campaign, "utm_campaign");
    utm(c.utm_term, "utm_term");
    utm(c.utm_content, "utm_content");
    auto const traits = classifier_.classify(c.user_agent);
    c.in_app = traits.in_app;
    c.device = traits.device;
    c.os = traits.os;
    c.source = clicks::traffic_source(c.utm_source, c.in_app, c.referer);
    // HEAD is how previewers and link checkers look: it redirects, but is not a click.
    if (follower.method == http::verb::head) {
        c.bot = true;
        c.bot_reason = "head request";
    } else if (!traits.bot_reason.empty()) {
        c.bot = true;
        c.bot_reason = traits.bot_reason;
    }
    // A person in a known in-app browser, on a link that asks for it, gets the escape page.
    bool const escape = entry->open_in_browser && !c.bot && c.in_app != "none";

    // Validity first: before valid_from, after valid_until or past max_clicks (human clicks
    // only) the visitor goes to the expired_url, or gets a page without a click.
    bool const early = entry->valid_from && c.at < *entry->valid_from;
    bool const late = entry->valid_until && c.at >= *entry->valid_until;
    if (found_only && escape)
        return {};
    bool const spent = !early && !late && (c.bot ? click_budget_spent(*entry) : !within_click_budget(*entry));
    target_template const* target = &entry->target;
    if (early || late || spent) {
        if (entry->expired.empty()) {
            count(metrics::redirect_outcome::gone);
            return {false, std::nullopt, early ? &not_yet_page() : &expired_page()};
        }
        target = &entry->expired;
        c.rule = clicks::k_expired_rule;
    } else if (!entry->rules.empty()) {
        auto const raw_query = follower.target.encoded_query();
        visit v;
        v.device = device_bit(c.device);
        v.os = os_bit(c.os);
        v.in_app = in_app_bit(c.in_app);
        v.country = c.country;
        if (entry->rules_ask_for_language)
            v.accept_language = follower.accept_language;
        v.raw_query = {raw_query.data(), raw_query.size()};
        v.now = c.at;
        auto const matched = first_matching_rule(entry->rules, v);
        if (matched >= 0) {
            target = &entry->rules[static_cast<std::size_t>(matched)].target;
            c.rule = static_cast<std::int16_t>(matched);
        }
    }

    placeholder_values const values{c.click_id, entry->slug, c.source, entry->video_id, c.country};
    render_target(location, *target, values);
    if (entry->forward_query && follower.target.has_query() && !follower.target.encoded_query().empty()) {
        auto const raw_query = follower.target.encoded_query();
        if (auto merged = with_visitor_query(location, {raw_query.data(), raw_query.size()}))
            location = std::move(*merged);
        else
            log_query_not_forwarded(entry->id, raw_query.size());
    }

    // Staged here, written by the listener before the reply leaves (group commit). A failed
    // write is counted and logged by the journal; the follower is redirected all the same.
    journal_.stage(c);
    count(c.bot ? metrics::redirect_outcome::bot : metrics::redirect_outcome::click);

    // The escape page carries the same click id in every way out. Bots, previewers and HEAD
    // always get the 302.
    if (escape)
        return {false, escape_page(location, c.in_app, c.os, first_language(follower.accept_language) == "fr")};
    return {true, std::nullopt};
}

} // namespace linkledger::links
