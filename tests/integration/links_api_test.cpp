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
