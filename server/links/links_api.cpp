#include "links/links_api.hpp"

#include "db/sql_errors.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "links/link_store.hpp"
#include "links/slug.hpp"
#include "links/target_url.hpp"

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
}

net::awaitable<http::response> links_api::create(http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"target_url", "slug", "title", "offer_id", "video_id", "bio",
                                       "bio_position", "disclosure"});
    new_link l;
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
            auto const created =
                co_await db_.run([&l](pqxx::connection& conn) {
                    return db::mapping_foreign_key_errors([&] { return insert_link(conn, l); });
                });
            table_.put(created.slug, {created.id, created.target_url, created.active, false});
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
    auto const page = co_await db_.run(
        [before, limit](pqxx::connection& conn) { return list_links(conn, before, limit + 1); });
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
    auto const found = co_await db_.run([id](pqxx::connection& conn) { return find_link(conn, id); });
    if (!found)
        throw link_not_found();
    co_return http::json_response(status::ok, to_json(*found, public_url_));
}

net::awaitable<http::response> links_api::update(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const body = http::json_object_body(ctx.req);
    if (body.contains("slug"))
        throw http::bad_field("slug", "a link's slug cannot be changed; create a new link",
                              "immutable_field");
    http::reject_unknown_fields(body, {"target_url", "title", "active", "offer_id", "video_id", "bio",
                                       "bio_position", "disclosure"});
    link_changes changes;
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
    auto const updated = co_await db_.run([id, &changes](pqxx::connection& conn) {
        return db::mapping_foreign_key_errors([&] { return update_link(conn, id, changes); });
    });
    if (!updated)
        throw link_not_found();
    table_.put(updated->slug, {updated->id, updated->target_url, updated->active, false});
    co_return http::json_response(status::ok, to_json(*updated, public_url_));
}

net::awaitable<http::response> links_api::remove(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const deleted =
        co_await db_.run([id](pqxx::connection& conn) { return delete_link(conn, id); });
    if (!deleted)
        throw link_not_found();
    table_.put(deleted->slug, {deleted->id, deleted->target_url, false, true});
    http::response res{status::no_content, 11};
    co_return res;
}

} // namespace linkledger::links
