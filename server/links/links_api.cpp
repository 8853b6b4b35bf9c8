#include "links/links_api.hpp"

#include "audit/audit_log.hpp"
#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/pagination.hpp"
#include "http/response.hpp"
#include "links/link_store.hpp"
#include "links/slug.hpp"
#include "links/smart_link.hpp"
#include "links/storefronts.hpp"
#include "links/target_url.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include <charconv>

namespace linkledger::links {
namespace {

using http::status;

constexpr std::size_t k_max_title_bytes = 200;
constexpr int k_default_page = 50;
constexpr int k_max_page = 200;
constexpr int k_random_slug_attempts = 5;
constexpr std::int64_t k_max_id = 9'000'000'000'000'000'000;

boost::json::object to_json(link const& l, std::string const& public_url)
{
    return {{"id", l.id},
            {"slug", l.slug},
            {"short_url", public_url + "/" + l.slug},
            {"target_url", l.target_url},
            {"title", l.title},
            {"active", l.active},
            {"clicks", l.clicks},
            {"created_at", l.created_at},
            {"updated_at", l.updated_at},
            {"offer_id", l.offer_id ? boost::json::value(*l.offer_id) : nullptr},
            {"video_id", l.video_id ? boost::json::value(*l.video_id) : nullptr},
            {"bio", l.bio},
            {"bio_position", l.bio_position},
            {"disclosure", l.disclosure ? boost::json::value(*l.disclosure) : boost::json::value(nullptr)},
            {"forward_query", l.forward_query},
            {"rules", boost::json::parse(l.rules)},
            {"valid_from", l.valid_from ? boost::json::value(format_instant(*l.valid_from)) : nullptr},
            {"valid_until", l.valid_until ? boost::json::value(format_instant(*l.valid_until)) : nullptr},
            {"max_clicks", l.max_clicks ? boost::json::value(*l.max_clicks) : nullptr},
            {"expired_url", l.expired_url ? boost::json::value(*l.expired_url) : nullptr},
            {"open_in_browser", l.open_in_browser},
            {"qr_svg", "/api/v1/links/" + std::to_string(l.id) + "/qr.svg"},
            {"qr_png", "/api/v1/links/" + std::to_string(l.id) + "/qr.png"}};
}

// "ad", "collaboration", "affiliate", or null (no label).
std::optional<std::string> checked_disclosure(boost::json::object const& body)
{
    auto const value = http::optional_string(body, "disclosure", 20);
    if (value && *value != "ad" && *value != "collaboration" && *value != "affiliate")
        throw http::bad_field("disclosure",
                              "disclosure must be \"ad\", \"collaboration\", \"affiliate\" or null");
    return value;
}

constexpr std::int64_t k_max_bio_position = 1000000;

std::string checked_target(std::optional<std::string> const& target)
{
    if (!target)
        throw http::bad_field("target_url", "target_url is required", "required");
    if (auto problem = target_url_problem(*target))
        throw http::bad_field("target_url", *problem);
    return *target;
}

int parse_bounded(std::string const& text, std::string const& field, int min, int max)
{
    int value = 0;
    auto const* end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < min || value > max)
        throw http::bad_field(field, field + " must be a whole number from " +
                                         std::to_string(min) + " to " + std::to_string(max));
    return value;
}

constexpr std::int64_t k_max_click_budget = 1'000'000'000'000;

// The redirect table's entry for a link as the API has just stored it.
redirect_entry entry_of(link const& l, bool deleted)
{
    redirect_entry e;
    e.id = l.id;
    e.target_url = l.target_url;
    e.active = deleted ? false : l.active;
    e.deleted = deleted;
    e.slug = l.slug;
    e.video_id = l.video_id ? std::to_string(*l.video_id) : std::string();
    e.forward_query = l.forward_query;
    e.rules_json = l.rules;
    e.valid_from = l.valid_from;
    e.valid_until = l.valid_until;
    e.max_clicks = l.max_clicks.value_or(0);
    e.expired_url = l.expired_url.value_or("");
    e.open_in_browser = l.open_in_browser == "auto";
    e.clicks_at_load = l.clicks;
    e.revision = l.revision;
    return e;
}

std::optional<instant> checked_instant(boost::json::object const& body, std::string_view name)
{
    auto const* v = body.if_contains(name);
    if (!v || v->is_null())
        return std::nullopt;
    std::string const field(name);
    if (v->is_string())
        if (auto at = parse_instant(v->as_string()))
            return at;
    throw http::bad_field(field, field + " must be an ISO 8601 date or time, e.g. 2026-11-25T18:00:00Z, or null");
}

std::optional<std::string> checked_expired_url(boost::json::object const& body)
{
    auto url = http::optional_string(body, "expired_url", k_max_target_length);
    if (url)
        if (auto problem = target_url_problem(*url, "expired_url"))
            throw http::bad_field("expired_url", *problem);
    return url;
}

std::string checked_open_in_browser(boost::json::object const& body)
{
    auto const value = http::optional_string(body, "open_in_browser", 10).value_or("off");
    if (value != "off" && value != "auto")
        throw http::bad_field("open_in_browser", "open_in_browser must be \"off\" or \"auto\"");
    return value;
}

std::string checked_rules_text(boost::json::object const& body)
{
    auto const& value = body.at("rules");
    if (value.is_null())
        return "[]";
    return boost::json::serialize(parse_rules(value).normalized);
}

void check_validity_order(std::optional<instant> const& from, std::optional<instant> const& until)
{
    if (from && until && *until <= *from)
        throw http::bad_field("valid_until", "valid_until must be later than valid_from");
}

// The database's own check (valid_until after valid_from) when a PATCH changes one of them.
template <class F>
auto mapping_validity_errors(F&& f)
{
    try {
        return f();
    } catch (pqxx::check_violation const& e) {
        if (std::string_view(e.what()).find("links_validity_order") != std::string_view::npos)
            throw http::bad_field("valid_until", "valid_until must be later than valid_from");
        throw;
    }
}

http::http_error link_not_found()
{
    return http::http_error(status::not_found, "not_found", "no such link", "id");
}

} // namespace

links_api::links_api(db::database& db, redirect_table& table, std::string public_url)
    : db_(db), table_(table), public_url_(std::move(public_url))
{
}

void links_api::add_routes(http::router& routes)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [this](auto member) {
        return [this, member](http::request_context& ctx) { return (this->*member)(ctx); };
    };
    routes.add(http::verb::post, "/api/v1/links", bind(&links_api::create), api);
    routes.add(http::verb::get, "/api/v1/links", bind(&links_api::list), api);
    routes.add(http::verb::get, "/api/v1/links/{id}", bind(&links_api::get), api);
    routes.add(http::verb::patch, "/api/v1/links/{id}", bind(&links_api::update), api);
    routes.add(http::verb::delete_, "/api/v1/links/{id}", bind(&links_api::remove), api);
    routes.add(http::verb::post, "/api/v1/links/{id}/storefronts", bind(&links_api::storefronts), api);
}

net::awaitable<http::response> links_api::create(http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"target_url", "slug", "title", "offer_id", "video_id", "bio",
                                       "bio_position", "disclosure", "forward_query", "rules", "valid_from",
                                       "valid_until", "max_clicks", "expired_url", "open_in_browser"});
    new_link l;
    l.forward_query = http::optional_bool(body, "forward_query").value_or(true);
    if (body.contains("rules"))
        l.rules = checked_rules_text(body);
    l.valid_from = checked_instant(body, "valid_from");
    l.valid_until = checked_instant(body, "valid_until");
    check_validity_order(l.valid_from, l.valid_until);
    l.max_clicks = http::optional_int(body, "max_clicks", 1, k_max_click_budget);
    l.expired_url = checked_expired_url(body);
    l.open_in_browser = checked_open_in_browser(body);
    l.bio = http::optional_bool(body, "bio").value_or(false);
    l.bio_position =
        static_cast<int>(http::optional_int(body, "bio_position", 0, k_max_bio_position).value_or(0));
    l.disclosure = checked_disclosure(body);
    l.target_url = checked_target(http::optional_string(body, "target_url", k_max_target_length));
    l.title = http::optional_string(body, "title", k_max_title_bytes).value_or("");
    l.offer_id = http::optional_int(body, "offer_id", 1, k_max_id);
    l.video_id = http::optional_int(body, "video_id", 1, k_max_id);
    auto const wanted_slug = http::optional_string(body, "slug", k_max_slug_length + 1);
    if (wanted_slug) {
        if (auto problem = slug_problem(*wanted_slug))
            throw http::bad_field("slug", *problem);
        l.slug = *wanted_slug;
    }

    for (int attempt = 0;; ++attempt) {
        if (!wanted_slug)
            l.slug = random_slug();
        try {
            auto const created = co_await db_.run([&](pqxx::connection& conn) {
                return db::mapping_foreign_key_errors([&] {
                    return audit::audited(conn, ctx, [&](auto& tx) { return insert_link(tx, l); },
                                          [&](link const& made) { return to_json(made, public_url_); });
                });
            });
            table_.put(created.slug, entry_of(created, false));
            co_return http::json_response(status::created, to_json(created, public_url_));
        } catch (pqxx::unique_violation const&) {
            if (wanted_slug || attempt + 1 >= k_random_slug_attempts)
                throw http::http_error(status::conflict, "slug_taken",
                                       "slug '" + l.slug + "' is already in use", "slug");
        }
    }
}

net::awaitable<http::response> links_api::list(http::request_context& ctx)
{
    int const limit =
        parse_bounded(ctx.query("limit").value_or(std::to_string(k_default_page)), "limit", 1, k_max_page);
    std::int64_t before = 0;
    if (auto const cursor = ctx.query("cursor"); cursor && !cursor->empty()) {
        auto const* end = cursor->data() + cursor->size();
        auto const [ptr, ec] = std::from_chars(cursor->data(), end, before);
        if (ec != std::errc{} || ptr != end || before <= 0)
            throw http::bad_field("cursor", "cursor must be a next_cursor value from a previous page");
    }
    auto const pattern = http::search_pattern(ctx);
    auto const page = co_await db_.run(
        [before, limit, &pattern](pqxx::connection& conn) { return list_links(conn, before, limit + 1, pattern); });
    boost::json::array items;
    for (std::size_t i = 0; i < page.size() && i < static_cast<std::size_t>(limit); ++i)
        items.push_back(to_json(page[i], public_url_));
    boost::json::value next = nullptr;
    if (page.size() > static_cast<std::size_t>(limit))
        next = std::to_string(page[static_cast<std::size_t>(limit) - 1].id);
    co_return http::json_response(status::ok,
                                  boost::json::object{{"links", std::move(items)}, {"next_cursor", next}});
}

net::awaitable<http::response> links_api::get(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    // ?include_deleted=true: a deleted link too, with its deleted_at (null while it lives), for
    // its page (its clicks and sales stay in the reports). Without it a deleted link is a 404.
    auto const flag = ctx.query("include_deleted").value_or("false");
    if (flag != "true" && flag != "false")
        throw http::bad_field("include_deleted", "include_deleted must be true or false");
    bool const even_deleted = flag == "true";
    auto const found = co_await db_.run([id, even_deleted](pqxx::connection& conn) {
        return even_deleted ? find_link_even_deleted(conn, id) : find_link(conn, id);
    });
    if (!found)
        throw link_not_found();
    auto body = to_json(*found, public_url_);
    if (even_deleted)
        body["deleted_at"] = found->deleted_at ? boost::json::value(*found->deleted_at) : nullptr;
    co_return http::json_response(status::ok, std::move(body));
}

net::awaitable<http::response> links_api::update(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const body = http::json_object_body(ctx.req);
    if (body.contains("slug"))
        throw http::bad_field("slug", "a link's slug cannot be changed; create a new link",
                              "immutable_field");
    http::reject_unknown_fields(body, {"target_url", "title", "active", "offer_id", "video_id", "bio",
                                       "bio_position", "disclosure", "forward_query", "rules", "valid_from",
                                       "valid_until", "max_clicks", "expired_url", "open_in_browser"});
    link_changes changes;
    changes.forward_query = http::optional_bool(body, "forward_query");
    if (body.contains("rules"))
        changes.rules = checked_rules_text(body);
    if (body.contains("valid_from"))
        changes.valid_from = checked_instant(body, "valid_from");
    if (body.contains("valid_until"))
        changes.valid_until = checked_instant(body, "valid_until");
    if (changes.valid_from && changes.valid_until)
        check_validity_order(*changes.valid_from, *changes.valid_until);
    if (body.contains("max_clicks"))
        changes.max_clicks = http::optional_int(body, "max_clicks", 1, k_max_click_budget);
    if (body.contains("expired_url"))
        changes.expired_url = checked_expired_url(body);
    if (body.contains("open_in_browser"))
        changes.open_in_browser = checked_open_in_browser(body);
    if (body.contains("target_url"))
        changes.target_url =
            checked_target(http::optional_string(body, "target_url", k_max_target_length));
    if (body.contains("title"))
        changes.title = http::optional_string(body, "title", k_max_title_bytes).value_or("");
    changes.active = http::optional_bool(body, "active");
    if (body.contains("offer_id"))
        changes.offer_id = http::optional_int(body, "offer_id", 1, k_max_id);
    if (body.contains("video_id"))
        changes.video_id = http::optional_int(body, "video_id", 1, k_max_id);
    changes.bio = http::optional_bool(body, "bio");
    if (auto const position = http::optional_int(body, "bio_position", 0, k_max_bio_position))
        changes.bio_position = static_cast<int>(*position);
    if (body.contains("disclosure"))
        changes.disclosure = checked_disclosure(body);
    auto const updated = co_await db_.run([&](pqxx::connection& conn) {
        return mapping_validity_errors([&] {
            return db::mapping_foreign_key_errors([&] {
                return audit::audited(conn, ctx, [&](auto& tx) { return update_link(tx, id, changes); },
                                      [&](auto const& changed) { return to_json(*changed, public_url_); });
            });
        });
    });
    if (!updated)
        throw link_not_found();
    table_.put(updated->slug, entry_of(*updated, false));
    co_return http::json_response(status::ok, to_json(*updated, public_url_));
}

net::awaitable<http::response> links_api::remove(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const deleted = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return delete_link(tx, id); },
                              [&](auto const& gone) { return to_json(*gone, public_url_); });
    });
    if (!deleted)
        throw link_not_found();
    table_.put(deleted->slug, entry_of(*deleted, true));
    http::response res{status::no_content, 11};
    co_return res;
}

net::awaitable<http::response> links_api::storefronts(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const body = http::json_object_body(ctx.req);
    auto const fresh = storefront_rules(body);
    auto const updated = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) {
            return rewrite_rules(tx, id, [&fresh](std::string const& stored) { return with_storefront_rules(stored, fresh); });
        }, [&](auto const& changed) { return to_json(*changed, public_url_); });
    });
    if (!updated)
        throw link_not_found();
    table_.put(updated->slug, entry_of(*updated, false));
    co_return http::json_response(status::ok, to_json(*updated, public_url_));
}

} // namespace linkledger::links
