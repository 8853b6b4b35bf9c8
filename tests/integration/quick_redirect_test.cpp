// The redirect's two roads over real sockets (issue 18): a plain GET or HEAD whose head fits in
// the first read is answered from the head alone (a 302, or a page that is the same for every
// request: 404, 410); anything else (a larger head, a body, the escape page) by the full parser
// and router. A follower must not be able to tell which one answered.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <regex>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

class quick_redirect : public shared_instance_test<quick_redirect> {
public:
    static constexpr char const* k_label = "quick_redirect";
};

// The header block of the first answer in `raw`, with the click id in Location blanked.
std::string head_without_click_id(std::string const& raw)
{
    auto const head = raw.substr(0, raw.find("\r\n\r\n") + 4);
    return std::regex_replace(head, std::regex("[0-9A-HJKMNP-TV-Z]{26}"), "<click>");
}

std::string read_answers(http_connection& conn, std::size_t count);

// One request on a connection of its own, answered by the quick road, and the same request
// with a field that takes its head past the first read (1 KiB), answered by the full road.
struct both_roads {
    std::string quick;
    std::string full;
};
both_roads ask_both_roads(unsigned short port, std::string const& request_line, std::string const& fields)
{
    auto const ask = [port](std::string const& raw) {
        http_connection conn(port);
        conn.write_raw(raw);
        bool closed = false;
        return conn.read_until_close(500ms, closed);
    };
    return {ask(request_line + fields + "\r\n"),
            ask(request_line + fields + "X-Pad: " + std::string(3000, 'p') + "\r\n\r\n")};
}

std::string read_answers(http_connection& conn, std::size_t count)
{
    std::string all;
    bool closed = false;
    for (int i = 0; i < 50; ++i) {
        all += conn.read_until_close(100ms, closed);
        std::size_t heads = 0;
        for (auto at = all.find("\r\n\r\n"); at != std::string::npos; at = all.find("\r\n\r\n", at + 4))
            ++heads;
        if (heads >= count || closed)
            break;
    }
    return all;
}

} // namespace

TEST_F(quick_redirect, a_small_head_and_a_large_one_get_the_same_answer)
{
    ll->create_link(R"({"target_url":"https://shop.example/q?sub={click_id}","slug":"q-same"})");
    std::string const small = "GET /q-same?utm_source=tiktok HTTP/1.1\r\nHost: go\r\nUser-Agent: quick\r\n\r\n";
    // Past the first read (1 KiB): the full road reads it.
    std::string const large = "GET /q-same?utm_source=tiktok HTTP/1.1\r\nHost: go\r\nUser-Agent: quick\r\nX-Pad: " +
                              std::string(3000, 'p') + "\r\n\r\n";
    http_connection quick(ll->port());
    quick.write_raw(small);
    auto const quick_answer = read_answers(quick, 1);
    http_connection full(ll->port());
    full.write_raw(large);
    auto const full_answer = read_answers(full, 1);
    ASSERT_TRUE(quick_answer.starts_with("HTTP/1.1 302 Found\r\n")) << quick_answer;
    EXPECT_EQ(head_without_click_id(quick_answer), head_without_click_id(full_answer));
    EXPECT_NE(quick_answer.find("Location: https://shop.example/q?sub="), std::string::npos);
    EXPECT_NE(quick_answer.find("&utm_source=tiktok\r\n"), std::string::npos) << "the visitor's query is forwarded";
    EXPECT_EQ(ll->db().wait_for_value(
                  "SELECT count(*) FROM clicks c JOIN links l ON l.id = c.link_id WHERE l.slug = 'q-same' "
                  "AND linkledger_click_user_agent(c.user_agent, c.user_agent_id) = 'quick' "
                  "AND c.utm_source = 'tiktok' AND NOT c.bot",
                  "2"),
              "2");
}

TEST_F(quick_redirect, pipelined_requests_are_answered_in_order_and_each_is_a_click)
{
    ll->create_link(R"({"target_url":"https://shop.example/one?c={click_id}","slug":"q-one"})");
    ll->create_link(R"({"target_url":"https://shop.example/two?c={click_id}","slug":"q-two"})");
    http_connection conn(ll->port());
    std::string const fields = "Host: go\r\nUser-Agent: Mozilla/5.0 (iPhone) musical_ly_2023\r\n\r\n";
    conn.write_raw("GET /q-one HTTP/1.1\r\n" + fields + "HEAD /q-two HTTP/1.1\r\n" + fields + "GET /q-two HTTP/1.1\r\n" +
                   fields + "GET /q-nowhere HTTP/1.1\r\n" + fields);
    auto const answers = read_answers(conn, 4);
    auto const one = answers.find("Location: https://shop.example/one?c=");
    auto const two = answers.find("Location: https://shop.example/two?c=");
    ASSERT_NE(one, std::string::npos) << answers;
    ASSERT_NE(two, std::string::npos) << answers;
    EXPECT_LT(one, two);
    EXPECT_NE(answers.find("HTTP/1.1 404 Not Found"), std::string::npos) << "an unknown slug's page";
    EXPECT_GT(answers.find("HTTP/1.1 404"), answers.rfind("HTTP/1.1 302")) << "and its answer comes last";
    EXPECT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks c JOIN links l ON l.id = c.link_id "
                                      "WHERE l.slug = 'q-two' AND c.bot AND c.bot_reason = 'head request'",
                                      "1"),
              "1")
        << answers << ll->db().query_value("SELECT string_agg(l.slug || ':' || c.bot || ':' || coalesce(c.bot_reason, '-'), ' ') "
                                           "FROM clicks c JOIN links l ON l.id = c.link_id WHERE l.slug LIKE 'q-%'");
    EXPECT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks c JOIN links l ON l.id = c.link_id "
                                      "WHERE l.slug IN ('q-one', 'q-two') AND NOT c.bot",
                                      "2"),
              "2");
}

TEST_F(quick_redirect, http_1_0_keeps_the_connection_only_when_asked_and_close_is_honoured)
{
    ll->create_link(R"({"target_url":"https://shop.example/k","slug":"q-keep"})");
    {
        http_connection conn(ll->port());
        conn.write_raw("GET /q-keep HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        auto const first = read_answers(conn, 1);
        EXPECT_TRUE(first.starts_with("HTTP/1.0 302 Found\r\n")) << first;
        EXPECT_NE(first.find("Connection: keep-alive\r\n"), std::string::npos) << first;
        conn.write_raw("GET /q-keep HTTP/1.0\r\n\r\n");
        bool closed = false;
        auto const second = conn.read_until_close(3000ms, closed);
        EXPECT_TRUE(second.starts_with("HTTP/1.0 302 Found\r\n")) << second;
        EXPECT_EQ(second.find("Connection:"), std::string::npos) << "HTTP/1.0 closes without saying so";
        EXPECT_TRUE(closed);
    }
    {
        http_connection conn(ll->port());
        conn.write_raw("GET /q-keep HTTP/1.1\r\nHost: go\r\nConnection: close\r\n\r\n");
        bool closed = false;
        auto const answer = conn.read_until_close(3000ms, closed);
        EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
        EXPECT_TRUE(closed);
    }
}

TEST_F(quick_redirect, fixed_pages_are_written_as_the_full_road_writes_them)
{
    auto const off = ll->create_link(R"({"target_url":"https://shop.example/off","slug":"q-off"})");
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(off.at("id").as_int64()), R"({"active":false})").status, 200);
    ll->create_link(R"({"target_url":"https://shop.example/later","slug":"q-later","valid_from":"2099-01-01T00:00:00Z"})");
    struct ask {
        std::string request_line;
        std::string fields;
        std::string status_line;
    };
    for (auto const& a : {ask{"GET /q-nowhere HTTP/1.1\r\n", "Host: go\r\n", "HTTP/1.1 404 Not Found\r\n"},
                          ask{"HEAD /q-nowhere HTTP/1.1\r\n", "Host: go\r\n", "HTTP/1.1 404 Not Found\r\n"},
                          ask{"GET /q-nowhere HTTP/1.0\r\n", "", "HTTP/1.0 404 Not Found\r\n"},
                          ask{"GET /q-nowhere HTTP/1.1\r\n", "Host: go\r\nConnection: close\r\n", "HTTP/1.1 404 Not Found\r\n"},
                          ask{"GET /q-off HTTP/1.1\r\n", "Host: go\r\nUser-Agent: Mozilla/5.0\r\n", "HTTP/1.1 410 Gone\r\n"},
                          ask{"GET /q-later HTTP/1.1\r\n", "Host: go\r\n", "HTTP/1.1 404 Not Found\r\n"},
                          // Not from a trusted proxy: ignored on both roads (no HSTS).
                          ask{"GET /q-nowhere HTTP/1.1\r\n", "Host: go\r\nX-Forwarded-Proto: https\r\n",
                              "HTTP/1.1 404 Not Found\r\n"}}) {
        auto const answers = ask_both_roads(ll->port(), a.request_line, a.fields);
        SCOPED_TRACE(a.request_line + a.fields);
        EXPECT_TRUE(answers.quick.starts_with(a.status_line)) << answers.quick;
        EXPECT_EQ(answers.quick, answers.full);
        EXPECT_NE(answers.quick.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos) << answers.quick;
        EXPECT_NE(answers.quick.find("Content-Security-Policy:"), std::string::npos) << answers.quick;
        EXPECT_EQ(answers.quick.find("Strict-Transport-Security"), std::string::npos) << answers.quick;
        bool const head = a.request_line.starts_with("HEAD");
        EXPECT_EQ(answers.quick.ends_with("</html>\n"), !head) << answers.quick;
    }
    // Asked again, from the kept bytes: still the same.
    auto const again = ask_both_roads(ll->port(), "GET /q-nowhere HTTP/1.1\r\n", "Host: go\r\n");
    EXPECT_EQ(again.quick, again.full);
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM clicks c JOIN links l ON l.id = c.link_id "
                                   "WHERE l.slug IN ('q-off', 'q-later')"),
              "0")
        << "a page is not a click";
}

TEST(quick_redirect_proxy, behind_a_trusted_proxy_the_forwarded_client_is_the_one_recorded)
{
    instance ll("quick_redirect_proxy", {{"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1/32"}});
    ll.create_link(R"({"target_url":"https://shop.example/p","slug":"q-proxy"})");
    http_connection conn(ll.port());
    conn.write_raw("GET /q-proxy HTTP/1.1\r\nHost: go\r\nX-Forwarded-For: 198.51.100.77, 10.9.8.7\r\n"
                   "X-Forwarded-For: 127.0.0.1\r\n\r\n");
    auto const answer = read_answers(conn, 1);
    ASSERT_TRUE(answer.starts_with("HTTP/1.1 302 ")) << answer;
    // 10.9.8.7 is not a trusted proxy: it is the client, whatever it claims to forward.
    EXPECT_EQ(ll.db().wait_for_value("SELECT ip_anon FROM clicks c JOIN links l ON l.id = c.link_id "
                                     "WHERE l.slug = 'q-proxy'",
                                     "10.9.8.0"),
              "10.9.8.0");
}

TEST(quick_redirect_proxy, a_page_behind_a_trusted_proxy_follows_its_forwarded_proto)
{
    instance ll("quick_redirect_proxy_page", {{"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1/32"}});
    for (std::string const proto : {"https", "http", "https"}) {
        auto const answers = ask_both_roads(ll.port(), "GET /q-none HTTP/1.1\r\n",
                                            "Host: go\r\nX-Forwarded-Proto: " + proto + "\r\n");
        SCOPED_TRACE(proto);
        EXPECT_TRUE(answers.quick.starts_with("HTTP/1.1 404 ")) << answers.quick;
        EXPECT_EQ(answers.quick, answers.full);
        EXPECT_EQ(answers.quick.find("Strict-Transport-Security: ") != std::string::npos, proto == "https")
            << answers.quick;
    }
}
