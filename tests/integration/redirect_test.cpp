// GET /{slug}: the follower's redirect, and the click it records, over real sockets.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <regex>

using namespace linkledger::testing;

namespace {

class redirect : public shared_instance_test<redirect> {
public:
    static constexpr char const* k_label = "redirect";

protected:
};

TEST_F(redirect, answers_302_with_a_fresh_click_id_and_records_the_click)
{
    auto const link = ll->create_link(
        R"({"target_url":"https://shop.example/p?ref=lea&sub={click_id}","slug":"r-click"})");
    http_request req{"GET", "/r-click?utm_source=tiktok&utm_medium=bio&utm_campaign=nov&utm_term=t&utm_content=v1", "",
                     {{"User-Agent", "Mozilla/5.0 (iPhone) musical_ly_2023"}, {"Referer", "https://www.tiktok.com/@lea"}}};
    auto const reply = send(ll->port(), req);
    ASSERT_EQ(reply.status, 302) << reply.body;
    EXPECT_EQ(reply.header("Cache-Control"), "no-store");
    std::smatch m;
    auto const location = reply.header("Location");
    // The visitor's query is forwarded (smart redirects: forward_query defaults to true).
    ASSERT_TRUE(std::regex_match(location, m, std::regex(R"(https://shop\.example/p\?ref=lea&sub=([0-9A-HJKMNP-TV-Z]{26}))"
                                                         R"(&utm_source=tiktok&utm_medium=bio&utm_campaign=nov&utm_term=t&utm_content=v1)")))
        << location;
    auto const click_id = m[1].str();

    auto const where = " FROM clicks WHERE click_id = '" + click_id + "'";
    ASSERT_EQ(ll->db().wait_for_value("SELECT count(*)" + where, "1"), "1");
    EXPECT_EQ(ll->db().query_value("SELECT link_id" + where), std::to_string(link.at("id").as_int64()));
    EXPECT_EQ(ll->db().query_value("SELECT ip_anon" + where), "127.0.0.0");
    // Stored once in user_agents (migration 0019), the click keeping its id.
    EXPECT_EQ(ll->db().query_value("SELECT user_agent" + where), "");
    EXPECT_EQ(ll->db().query_value("SELECT linkledger_click_user_agent(user_agent, user_agent_id)" + where),
              "Mozilla/5.0 (iPhone) musical_ly_2023");
    EXPECT_EQ(ll->db().query_value("SELECT referer" + where), "https://www.tiktok.com/@lea");
    EXPECT_EQ(ll->db().query_value("SELECT utm_source || '/' || utm_medium || '/' || utm_campaign || '/' || utm_term || '/' || utm_content" + where),
              "tiktok/bio/nov/t/v1");
    EXPECT_EQ(ll->db().query_value("SELECT abs(extract(epoch FROM now() - at)) < 60" + where), "t");

    auto const again = send(ll->port(), {"GET", "/r-click", "", {{"User-Agent", "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"}}});
    ASSERT_EQ(again.status, 302);
    EXPECT_NE(again.header("Location"), location); // every click gets its own id

    ll->db().wait_for_value("SELECT count(*) FROM clicks WHERE link_id = " + std::to_string(link.at("id").as_int64()), "2");
    auto const got = ll->api("GET", "/api/v1/links/" + std::to_string(link.at("id").as_int64()));
    EXPECT_EQ(got.json().at("clicks").as_int64(), 2);
}

TEST_F(redirect, head_redirects_but_is_not_a_click)
{
    auto const link = ll->create_link(R"({"target_url":"https://example.com/head","slug":"r-head"})");
    auto const id = std::to_string(link.at("id").as_int64());
    auto const reply = send(ll->port(), {"HEAD", "/r-head", "", {}});
    EXPECT_EQ(reply.status, 302);
    EXPECT_EQ(reply.header("Location"), "https://example.com/head");
    // Logged, flagged with why, and left out of the link's clicks.
    ASSERT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks WHERE link_id = " + id, "1"), "1");
    EXPECT_EQ(ll->db().query_value("SELECT bot_reason FROM clicks WHERE link_id = " + id), "head request");
    EXPECT_EQ(ll->db().query_value("SELECT bot_hits FROM click_rollups_daily WHERE link_id = " + id), "1");
    EXPECT_EQ(ll->api("GET", "/api/v1/links/" + id).json().at("clicks").as_int64(), 0);
}

// HEAD mirrors GET on the one-segment pages too: the redirect's own HEAD /{slug} must not take
// them (uptime checks and load balancers ask HEAD /healthz).
TEST_F(redirect, head_on_pages_answers_as_get_does)
{
    ASSERT_EQ(ll->api("PUT", "/api/v1/profile", R"({"handle":"headcheck","display_name":"Léa","language":"fr"})").status, 200);
    for (auto const* path : {"/healthz", "/readyz", "/login", "/dashboard", "/@headcheck", "/no-such-link"}) {
        auto const get = send(ll->port(), {"GET", path, "", {}});
        auto const head = send(ll->port(), {"HEAD", path, "", {}});
        EXPECT_EQ(head.status, get.status) << path;
        EXPECT_TRUE(head.body.empty()) << path;
    }
    EXPECT_EQ(send(ll->port(), {"HEAD", "/healthz", "", {}}).status, 200);
}

TEST_F(redirect, unknown_slugs_are_404_and_retired_links_410)
{
    auto const missing = send(ll->port(), {"GET", "/no-such-link", "", {}});
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.header("Content-Type").find("text/html"), std::string::npos);
    EXPECT_EQ(send(ll->port(), {"GET", "/bad.slug", "", {}}).status, 404);

    auto const link = ll->create_link(R"({"target_url":"https://example.com/gone","slug":"r-gone"})");
    auto const path = "/api/v1/links/" + std::to_string(link.at("id").as_int64());
    ll->api("PATCH", path, R"({"active":false})");
    EXPECT_EQ(send(ll->port(), {"GET", "/r-gone", "", {}}).status, 410);
    ll->api("DELETE", path);
    EXPECT_EQ(send(ll->port(), {"GET", "/r-gone", "", {}}).status, 410);
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM clicks WHERE link_id = " +
                                   std::to_string(link.at("id").as_int64())),
              "0");
}

TEST_F(redirect, a_kept_alive_connection_serves_many_redirects)
{
    ll->create_link(R"({"target_url":"https://example.com/ka","slug":"r-keepalive"})");
    http_connection conn(ll->port());
    for (int i = 0; i < 5; ++i) {
        auto const reply = conn.send({"GET", "/r-keepalive", "", {}});
        EXPECT_EQ(reply.status, 302);
    }
    EXPECT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks c JOIN links l ON l.id = c.link_id WHERE l.slug = 'r-keepalive'", "5"),
              "5");
}

TEST_F(redirect, hostile_headers_are_stored_safely)
{
    ll->create_link(R"({"target_url":"https://example.com/h","slug":"r-hostile"})");
    http_request req{"GET", "/r-hostile", "", {{"User-Agent", std::string("bad\xff\xfe bytes ") + std::string(2000, 'u')}}};
    auto const reply = send(ll->port(), req);
    EXPECT_EQ(reply.status, 302);
    ASSERT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks c JOIN links l ON l.id = c.link_id WHERE l.slug = 'r-hostile'", "1"), "1");
    auto const stored = ll->db().query_value(
        "SELECT linkledger_click_user_agent(c.user_agent, c.user_agent_id) FROM clicks c JOIN links l ON l.id = c.link_id "
        "WHERE l.slug = 'r-hostile'");
    EXPECT_TRUE(stored.starts_with("bad\xEF\xBF\xBD\xEF\xBF\xBD bytes ")) << stored.substr(0, 20);
    EXPECT_LE(stored.size(), 512u);
}

} // namespace
