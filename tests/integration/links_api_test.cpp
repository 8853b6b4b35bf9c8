// The links API over real HTTP against the real server and a real PostgreSQL.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace linkledger::testing;

namespace {

class links_api : public shared_instance_test<links_api> {
public:
    static constexpr char const* k_label = "links_api";

protected:
    // Asserts a 4xx JSON error naming `field`.
    static void expect_error(http_reply const& reply, int status, std::string const& field)
    {
        EXPECT_EQ(reply.status, status) << reply.body;
        EXPECT_EQ(reply.header("Content-Type"), "application/json; charset=utf-8");
        auto const body = reply.json().as_object();
        ASSERT_TRUE(body.contains("error")) << reply.body;
        auto const& error = body.at("error").as_object();
        EXPECT_FALSE(error.at("code").as_string().empty());
        EXPECT_FALSE(error.at("message").as_string().empty());
        if (field.empty())
            EXPECT_TRUE(error.at("field").is_null()) << reply.body;
        else
            EXPECT_EQ(error.at("field").as_string(), field) << reply.body;
    }
};

TEST_F(links_api, create_returns_the_link_with_its_short_url)
{
    auto const reply = ll->api("POST", "/api/v1/links",
                               R"({"target_url":"https://shop.example/p?sub={click_id}","slug":"lea-bio","title":"Lea's bio"})");
    ASSERT_EQ(reply.status, 201) << reply.body;
    auto const link = reply.json().as_object();
    EXPECT_GT(link.at("id").as_int64(), 0);
    EXPECT_EQ(link.at("slug").as_string(), "lea-bio");
    EXPECT_EQ(link.at("short_url").as_string(),
              "http://127.0.0.1:" + std::to_string(ll->port()) + "/lea-bio");
    EXPECT_EQ(link.at("target_url").as_string(), "https://shop.example/p?sub={click_id}");
    EXPECT_EQ(link.at("title").as_string(), "Lea's bio");
    EXPECT_EQ(link.at("clicks").as_int64(), 0);
    EXPECT_TRUE(link.at("active").as_bool());
    EXPECT_EQ(link.at("created_at").as_string().size(), 24u); // 2026-11-25T03:16:17.558Z
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM links WHERE slug = 'lea-bio'"), "1");
}

TEST_F(links_api, a_link_without_slug_gets_seven_random_characters)
{
    std::set<std::string> slugs;
    for (int i = 0; i < 5; ++i) {
        auto const link = ll->create_link(R"({"target_url":"https://example.com/a"})");
        auto const slug = std::string(link.at("slug").as_string());
        EXPECT_EQ(slug.size(), 7u);
        EXPECT_EQ(slug.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                  std::string::npos);
        slugs.insert(slug);
    }
    EXPECT_EQ(slugs.size(), 5u);
}

TEST_F(links_api, get_patch_and_delete)
{
    auto const link = ll->create_link(R"({"target_url":"https://example.com/old","slug":"gpd"})");
    auto const path = "/api/v1/links/" + std::to_string(link.at("id").as_int64());

    auto got = ll->api("GET", path);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json().at("slug").as_string(), "gpd");

    auto patched = ll->api("PATCH", path, R"({"target_url":"https://example.com/new","title":"New","active":false})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json().at("target_url").as_string(), "https://example.com/new");
    EXPECT_EQ(patched.json().at("title").as_string(), "New");
    EXPECT_FALSE(patched.json().at("active").as_bool());
    EXPECT_EQ(send(ll->port(), {"GET", "/gpd", "", {}}).status, 410);

    patched = ll->api("PATCH", path, R"({"active":true})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json().at("target_url").as_string(), "https://example.com/new");
    EXPECT_EQ(send(ll->port(), {"GET", "/gpd", "", {}}).header("Location"), "https://example.com/new");

    auto const deleted = ll->api("DELETE", path);
    EXPECT_EQ(deleted.status, 204);
    expect_error(ll->api("GET", path), 404, "id");
    expect_error(ll->api("PATCH", path, R"({"title":"x"})"), 404, "id");
    expect_error(ll->api("DELETE", path), 404, "id");
    // Soft delete: the slug now answers 410 Gone and cannot be taken again.
    EXPECT_EQ(send(ll->port(), {"GET", "/gpd", "", {}}).status, 410);
    expect_error(ll->api("POST", "/api/v1/links", R"({"target_url":"https://example.com","slug":"gpd"})"), 409, "slug");
    EXPECT_EQ(ll->db().query_value("SELECT deleted_at IS NOT NULL FROM links WHERE slug = 'gpd'"), "t");
}

// Each edit's answer comes after the redirect table holds it; the listener's read of an earlier
// edit, arriving late, must not bring the older link back (CI once saw a deleted link redirect).
TEST_F(links_api, a_redirect_right_after_each_edit_follows_that_edit)
{
    auto const link = ll->create_link(R"({"target_url":"https://example.com/t0","slug":"each-edit"})");
    auto const path = "/api/v1/links/" + std::to_string(link.at("id").as_int64());
    for (int i = 1; i <= 60; ++i) {
        bool const active = i % 2 == 0;
        std::string const target = "https://example.com/t" + std::to_string(i);
        auto const patched = ll->api("PATCH", path, R"({"target_url":")" + target + R"(","active":)" +
                                                        (active ? "true" : "false") + "}");
        ASSERT_EQ(patched.status, 200) << patched.body;
        auto const redirect = send(ll->port(), {"GET", "/each-edit", "", {}});
        ASSERT_EQ(redirect.status, active ? 302 : 410) << "edit " << i;
        if (active) {
            ASSERT_EQ(redirect.header("Location"), target) << "edit " << i;
        }
    }
    ASSERT_EQ(ll->api("DELETE", path).status, 204);
    EXPECT_EQ(send(ll->port(), {"GET", "/each-edit", "", {}}).status, 410);
    EXPECT_EQ(ll->db().query_value("SELECT revision FROM links WHERE slug = 'each-edit'"), "62");
}

TEST_F(links_api, list_is_paginated_newest_first)
{
    instance own("links_list");
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(own.create_link(R"({"target_url":"https://example.com/)" + std::to_string(i) + "\"}")
                          .at("id")
                          .as_int64());
    own.api("DELETE", "/api/v1/links/" + std::to_string(ids[2]));

    auto page = own.api("GET", "/api/v1/links?limit=2");
    ASSERT_EQ(page.status, 200) << page.body;
    auto const first = page.json().as_object();
    ASSERT_EQ(first.at("links").as_array().size(), 2u);
    EXPECT_EQ(first.at("links").as_array()[0].at("id").as_int64(), ids[4]);
    EXPECT_EQ(first.at("links").as_array()[1].at("id").as_int64(), ids[3]);
    auto const cursor = std::string(first.at("next_cursor").as_string());

    page = own.api("GET", "/api/v1/links?limit=2&cursor=" + cursor);
    auto const second = page.json().as_object();
    ASSERT_EQ(second.at("links").as_array().size(), 2u);
    EXPECT_EQ(second.at("links").as_array()[0].at("id").as_int64(), ids[1]); // ids[2] deleted
    EXPECT_EQ(second.at("links").as_array()[1].at("id").as_int64(), ids[0]);
    EXPECT_TRUE(second.at("next_cursor").is_null());

    expect_error(own.api("GET", "/api/v1/links?limit=0"), 400, "limit");
    expect_error(own.api("GET", "/api/v1/links?limit=201"), 400, "limit");
    expect_error(own.api("GET", "/api/v1/links?cursor=abc"), 400, "cursor");
}

// The dashboard's link picker loads a bounded page and asks the server as the user types:
// `q` finds a link by part of its title or slug, case aside, past the first page, newest first
// and page by page like the whole list; % and _ are plain characters; deleted links stay out.
TEST_F(links_api, q_searches_titles_and_slugs_page_by_page)
{
    instance own("links_search");
    auto make = [&own](std::string const& slug, std::string const& title) {
        return own.create_link(R"({"target_url":"https://example.com/","slug":")" + slug + R"(","title":")" + title + "\"}")
            .at("id")
            .as_int64();
    };
    auto const old_boots = make("boots-2024", "Winter Boots 2024");
    for (int i = 0; i < 30; ++i)
        make("filler-" + std::to_string(i), "Filler " + std::to_string(i));
    auto const scarf = make("scarf", "Cosy scarf, 50% off");
    auto const boots_slug = make("winter-BOOTS-new", "New season");
    auto const gone = make("boots-gone", "Boots retired");
    own.api("DELETE", "/api/v1/links/" + std::to_string(gone));

    auto ids_of = [](http_reply const& reply) {
        std::vector<std::int64_t> ids;
        auto const body = reply.json(); // kept: the loop reads into it
        for (auto const& l : body.at("links").as_array())
            ids.push_back(l.at("id").as_int64());
        return ids;
    };
    auto const found = own.api("GET", "/api/v1/links?q=bOoTs&limit=5");
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_EQ(ids_of(found), (std::vector<std::int64_t>{boots_slug, old_boots}));
    EXPECT_TRUE(found.json().at("next_cursor").is_null());

    // Page by page: the cursor keeps the search.
    auto const first = own.api("GET", "/api/v1/links?q=boots&limit=1");
    EXPECT_EQ(ids_of(first), (std::vector<std::int64_t>{boots_slug}));
    auto const cursor = std::string(first.json().at("next_cursor").as_string());
    auto const second = own.api("GET", "/api/v1/links?q=boots&limit=1&cursor=" + cursor);
    EXPECT_EQ(ids_of(second), (std::vector<std::int64_t>{old_boots}));
    EXPECT_TRUE(second.json().at("next_cursor").is_null());

    // A space (sent as + or %20) and a literal %: "50%" is not a wildcard.
    EXPECT_EQ(ids_of(own.api("GET", "/api/v1/links?q=winter+boots")), (std::vector<std::int64_t>{old_boots}));
    EXPECT_EQ(ids_of(own.api("GET", "/api/v1/links?q=50%25")), (std::vector<std::int64_t>{scarf}));
    EXPECT_TRUE(ids_of(own.api("GET", "/api/v1/links?q=F_ller")).empty());
    EXPECT_TRUE(ids_of(own.api("GET", "/api/v1/links?q=%25%25%25")).empty());
    // A blank q is no filter: the newest page.
    EXPECT_EQ(ids_of(own.api("GET", "/api/v1/links?q=+&limit=2")), (std::vector<std::int64_t>{boots_slug, scarf}));

    expect_error(own.api("GET", "/api/v1/links?q=" + std::string(101, 'a')), 400, "q");
    expect_error(own.api("GET", "/api/v1/links?q=a%00b"), 400, "q");
    expect_error(own.api("GET", "/api/v1/links?q=%FF"), 400, "q");
    EXPECT_EQ(own.api("GET", "/api/v1/links?q=" + std::string(100, 'a')).status, 200);
}

// A deleted link keeps its clicks and sales: its page asks for it with include_deleted=true
// and gets it with deleted_at; without the flag (and for changes) it stays a 404.
TEST_F(links_api, include_deleted_returns_a_deleted_link_with_deleted_at)
{
    auto const link = ll->create_link(R"({"target_url":"https://example.com/d","slug":"soon-gone","title":"Soon gone"})");
    auto const path = "/api/v1/links/" + std::to_string(link.at("id").as_int64());

    auto live = ll->api("GET", path + "?include_deleted=true");
    ASSERT_EQ(live.status, 200) << live.body;
    EXPECT_TRUE(live.json().at("deleted_at").is_null());
    EXPECT_FALSE(ll->api("GET", path).json().as_object().contains("deleted_at"));

    ASSERT_EQ(ll->api("DELETE", path).status, 204);
    auto const gone = ll->api("GET", path + "?include_deleted=true");
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(gone.json().at("title").as_string(), "Soon gone");
    EXPECT_EQ(gone.json().at("slug").as_string(), "soon-gone");
    EXPECT_FALSE(gone.json().at("active").as_bool());
    auto const deleted_at = std::string(gone.json().at("deleted_at").as_string());
    EXPECT_EQ(deleted_at.size(), 24u) << deleted_at; // 2026-11-25T03:16:17.558Z
    EXPECT_EQ(ll->db().query_value("SELECT to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
                                   "FROM links WHERE slug = 'soon-gone'"),
              deleted_at);

    expect_error(ll->api("GET", path), 404, "id");
    expect_error(ll->api("GET", path + "?include_deleted=false"), 404, "id");
    expect_error(ll->api("PATCH", path, R"({"title":"back"})"), 404, "id");
    expect_error(ll->api("GET", "/api/v1/links/999999999?include_deleted=true"), 404, "id");
    expect_error(ll->api("GET", path + "?include_deleted=yes"), 400, "include_deleted");
}

TEST_F(links_api, bad_input_is_a_400_naming_the_field)
{
    auto post = [](std::string const& body) { return ll->api("POST", "/api/v1/links", body); };
    expect_error(post(R"({"slug":"no-target"})"), 400, "target_url");
    expect_error(post(R"({"target_url":"ftp://example.com/file"})"), 400, "target_url");
    expect_error(post(R"j({"target_url":"javascript:alert(1)"})j"), 400, "target_url");
    expect_error(post(R"({"target_url":"/relative/path"})"), 400, "target_url");
    expect_error(post(R"({"target_url":42})"), 400, "target_url");
    expect_error(post(R"({"target_url":"https://example.com/)" + std::string(2030, 'a') + "\"}"),
                 400, "target_url");
    expect_error(post(R"({"target_url":"https://example.com","slug":"has space"})"), 400, "slug");
    expect_error(post(R"({"target_url":"https://example.com","slug":")" + std::string(65, 'a') + "\"}"),
                 400, "slug");
    expect_error(post(R"({"target_url":"https://example.com","slug":"API"})"), 400, "slug");
    expect_error(post(R"({"target_url":"https://example.com","slug":"dashboard"})"), 400, "slug");
    expect_error(post(R"({"target_url":"https://example.com","title":"\u0000"})"), 400, "title");
    expect_error(post(R"({"target_url":"https://example.com","colour":"red"})"), 400, "colour");
    expect_error(post("not json"), 400, "body");
    expect_error(post("[1,2]"), 400, "body");
    // The longest allowed target is accepted.
    auto const longest = "https://example.com/" + std::string(2048 - 20, 'a');
    EXPECT_EQ(post("{\"target_url\":\"" + longest + "\"}").status, 201);

    auto const link = ll->create_link(R"({"target_url":"https://example.com/p"})");
    auto const path = "/api/v1/links/" + std::to_string(link.at("id").as_int64());
    expect_error(ll->api("PATCH", path, R"({"slug":"other"})"), 400, "slug");
    expect_error(ll->api("PATCH", path, R"({"active":"yes"})"), 400, "active");
    expect_error(ll->api("PATCH", path, R"({"target_url":"mailto:x@example.com"})"), 400, "target_url");
}

TEST_F(links_api, missing_or_wrong_keys_are_401)
{
    expect_error(api(ll->port(), "GET", "/api/v1/links", ""), 401, "Authorization");
    auto const reply = api(ll->port(), "GET", "/api/v1/links", "");
    EXPECT_EQ(reply.header("WWW-Authenticate"), "Bearer");
    auto tampered = ll->key();
    tampered.back() = tampered.back() == 'a' ? 'b' : 'a';
    expect_error(api(ll->port(), "GET", "/api/v1/links", tampered), 401, "Authorization");
    expect_error(api(ll->port(), "POST", "/api/v1/links", "garbage", R"({"target_url":"https://e.com"})"),
                 401, "Authorization");
    http_request basic{"GET", "/api/v1/links", "", {{"Authorization", "Basic dXNlcjpwYXNz"}}};
    expect_error(send(ll->port(), basic), 401, "Authorization");
    // Nothing was created by the rejected POST.
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM links WHERE target_url = 'https://e.com'"), "0");
    // Only the SHA-256 of a key is stored; its secret part appears nowhere in the table.
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM api_keys WHERE sha256 = sha256(convert_to('" +
                                   ll->key() + "', 'UTF8'))"),
              "1");
    auto const secret = ll->key().substr(ll->key().rfind('_') + 1);
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM api_keys a WHERE a::text LIKE '%" + secret + "%'"),
              "0");
}

TEST_F(links_api, unknown_ids_are_404_duplicates_409_and_big_bodies_413)
{
    expect_error(ll->api("GET", "/api/v1/links/999999"), 404, "id");
    expect_error(ll->api("GET", "/api/v1/links/abc"), 404, "id");
    expect_error(ll->api("GET", "/api/v1/nothing-here"), 404, "");
    ll->create_link(R"({"target_url":"https://example.com","slug":"twice"})");
    expect_error(ll->api("POST", "/api/v1/links", R"({"target_url":"https://example.com","slug":"twice"})"),
                 409, "slug");
    auto const big = R"({"target_url":"https://example.com","title":")" + std::string(100 * 1024, 'x') + "\"}";
    expect_error(ll->api("POST", "/api/v1/links", big), 413, "body");
    expect_error(ll->api("PUT", "/api/v1/links"), 405, "");
}

} // namespace
