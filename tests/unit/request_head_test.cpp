// The quick road's reading of a request head: what it takes, and what it leaves to the full
// parser (tests/fuzz/http_request_fuzzer.cpp holds what it takes to Beast's reading).
#include "http/request_head.hpp"
#include "http/router.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace linkledger::http;

TEST(request_head, a_follower_s_get_is_read_in_place)
{
    std::string const bytes = "GET /lea-bio?utm_source=tiktok HTTP/1.1\r\n"
                              "Host: go.example\r\n"
                              "User-Agent:  Mozilla/5.0 (iPhone) musical_ly_32.5.0 \t\r\n"
                              "user-agent: second\r\n"
                              "Referer: https://www.tiktok.com/\r\n"
                              "Accept-Language: fr-FR,fr;q=0.9\r\n"
                              "X-Forwarded-For: 198.51.100.4, 10.0.0.1\r\n"
                              "x-forwarded-for: 10.0.0.2\r\n"
                              "X-Forwarded-Proto:  https \r\n"
                              "x-forwarded-proto: http\r\n"
                              "\r\n"
                              "GET /next HTTP/1.1\r\n";
    auto const head = read_plain_head(bytes);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->method, verb::get);
    EXPECT_EQ(head->target, "/lea-bio?utm_source=tiktok");
    EXPECT_EQ(head->version, 11u);
    EXPECT_TRUE(head->keep_alive);
    EXPECT_EQ(head->user_agent, "Mozilla/5.0 (iPhone) musical_ly_32.5.0") << "the first one, trimmed";
    EXPECT_EQ(head->referer, "https://www.tiktok.com/");
    EXPECT_EQ(head->accept_language, "fr-FR,fr;q=0.9");
    ASSERT_EQ(head->forwarded_count, 2u);
    EXPECT_EQ(head->forwarded_for[0], "198.51.100.4, 10.0.0.1");
    EXPECT_EQ(head->forwarded_for[1], "10.0.0.2");
    EXPECT_EQ(head->forwarded_proto, "https") << "the first one, trimmed, as Beast's req[name]";
    EXPECT_EQ(bytes.substr(head->bytes), "GET /next HTTP/1.1\r\n") << "a pipelined request stays in the buffer";
}

TEST(request_head, keep_alive_follows_the_version_and_the_connection_field)
{
    auto const keep = [](std::string const& version, std::string const& connection) {
        auto const head = read_plain_head("HEAD /x " + version + "\r\nHost: a\r\n" + connection + "\r\n");
        EXPECT_TRUE(head) << version << " " << connection;
        return head && head->keep_alive;
    };
    EXPECT_TRUE(keep("HTTP/1.1", ""));
    EXPECT_FALSE(keep("HTTP/1.1", "Connection: Close\r\n"));
    EXPECT_FALSE(keep("HTTP/1.1", "Connection: keep-alive, close\r\n"));
    EXPECT_FALSE(keep("HTTP/1.0", ""));
    EXPECT_TRUE(keep("HTTP/1.0", "Connection: Keep-Alive\r\n"));
    EXPECT_EQ(read_plain_head("HEAD /x HTTP/1.0\r\n\r\n")->method, verb::head);
}

TEST(request_head, anything_unusual_is_left_to_the_full_parser)
{
    std::string const ok = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
    ASSERT_TRUE(read_plain_head(ok));
    for (std::string const& bytes : {
             std::string("GET /x HTTP/1.1\r\nHost: a\r\n"),                     // incomplete
             std::string("POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),       // not GET or HEAD
             std::string("get /x HTTP/1.1\r\n\r\n"),                             // methods are case-sensitive
             std::string("GET x HTTP/1.1\r\n\r\n"),                              // not origin form
             std::string("GET /x HTTP/2.0\r\n\r\n"),                             // another version
             std::string("GET /x HTTP/1.1\n\r\n"),                               // a bare LF
             std::string("GET /x HTTP/1.1\r\nHost: a\n\r\n"),
             std::string("GET /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),        // a body, even empty
             std::string("GET /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
             std::string("GET /x HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"),
             std::string("GET /x HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"),
             std::string("GET /x HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"),       // obs-fold
             std::string("GET /x HTTP/1.1\r\nHost : a\r\n\r\n"),                 // space before the colon
             std::string("GET /x HTTP/1.1\r\n: a\r\n\r\n"),                      // no name
             std::string("GET /x HTTP/1.1\r\nUser-Agent: caf\xC3\xA9\r\n\r\n"),   // obs-text
             std::string("GET /x HTTP/1.1\r\nUser-Agent: a\x01z\r\n\r\n"),        // a control character
             std::string("GET /x HTTP/1.1\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n"),
             std::string("GET /x HTTP/1.1\r\nConnection: close; x\r\n\r\n"),
             std::string("GET /\x80 HTTP/1.1\r\n\r\n"),
             std::string("GET /x HTTP/1.1\r\n\r\n"),                             // HTTP/1.1 without Host: 400
             std::string("GET /x HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),         // two Hosts: 400
             std::string("GET /x HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"),
         })
        EXPECT_FALSE(read_plain_head(bytes)) << bytes;
}

TEST(request_head, the_listener_s_limits_are_left_to_the_full_parser_which_answers_them)
{
    std::string const long_target = "GET /" + std::string(k_max_target_bytes, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n";
    EXPECT_FALSE(read_plain_head(long_target)) << "414 comes from the full road";

    std::string many = "GET /x HTTP/1.1\r\nHost: a\r\n";
    for (std::size_t i = 0; i <= k_max_header_fields; ++i)
        many += "X-F" + std::to_string(i) + ": 1\r\n";
    EXPECT_FALSE(read_plain_head(many + "\r\n"));

    auto const with_field_bytes = [](std::size_t n) { // the fields and the blank line: n bytes
        return "GET /x HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(n - 20, 'p') + "\r\n\r\n";
    };
    EXPECT_TRUE(read_plain_head(with_field_bytes(k_max_header_bytes)));
    EXPECT_FALSE(read_plain_head(with_field_bytes(k_max_header_bytes + 1)));

    std::string forwarded = "GET /x HTTP/1.1\r\nHost: a\r\n";
    for (std::size_t i = 0; i <= request_head::k_max_forwarded; ++i)
        forwarded += "X-Forwarded-For: 10.0.0." + std::to_string(i) + "\r\n";
    EXPECT_FALSE(read_plain_head(forwarded + "\r\n"));
}
