// A request is judged on its header before its body is read (issue 15, item 6): unknown routes,
// wrong methods, missing or bad credentials and oversized bodies are answered at once and the
// body is never read; only a few large bodies are read at a time across the server.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <vector>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t k_fifteen_mib = 15u << 20;

// The resident memory of a process, in KiB.
long rss_kib(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("VmRSS:"))
            return std::stol(line.substr(6));
    return -1;
}

std::string upload_header(std::string const& method, std::string const& target, std::size_t length,
                          std::string const& extra = "")
{
    return method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n" + extra +
           "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

struct answer {
    std::string text;
    bool closed = false;
    std::chrono::milliseconds took{};
    int status() const { return text.size() >= 12 ? std::stoi(text.substr(9, 3)) : 0; }
    std::string body() const
    {
        auto const at = text.find("\r\n\r\n");
        return at == std::string::npos ? "" : text.substr(at + 4);
    }
};

// Sends the header and a few bytes of a body announced as `length`, never the rest, from the
// local address `from` (another client) when given.
answer announce(unsigned short port, std::string const& header, std::string const& from = "")
{
    http_connection conn(port, from);
    auto const started = std::chrono::steady_clock::now();
    conn.write_raw(header + "Transaction ID;Amount");
    answer a;
    a.text = conn.read_until_close(5s, a.closed);
    a.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return a;
}

class auth_before_body : public shared_instance_test<auth_before_body> {
public:
    static constexpr char const* k_label = "auth_before_body";
    // At debug, the server logs each large body's turn as it gives it (listener.cpp): the turns
    // test waits for that rather than for a time a loaded machine may overrun.
    static environment server_environment() { return {{"LINKLEDGER_LOG_LEVEL", "debug"}}; }
};

std::size_t occurrences(std::string const& text, std::string const& part)
{
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
        ++n;
    return n;
}

} // namespace

TEST_F(auth_before_body, a_15_mib_upload_without_credentials_is_refused_before_its_body)
{
    for (auto const& credentials : {std::string(), std::string("Authorization: Bearer ll_not_a_real_key_0123456789\r\n"),
                                    std::string("Cookie: ll_session=not-a-session\r\n")}) {
        auto const a = announce(ll->port(), upload_header("POST", "/api/v1/conversions/import?offer_id=1",
                                                          k_fifteen_mib, credentials));
        EXPECT_EQ(a.status(), 401) << credentials << a.text.substr(0, 200);
        EXPECT_TRUE(a.closed) << "the connection stays open with the body unread";
        EXPECT_LT(a.took, 2500ms);
        EXPECT_NE(a.body().find("\"unauthorized\""), std::string::npos) << a.body();
    }
}

TEST_F(auth_before_body, unknown_routes_wrong_methods_and_oversized_bodies_are_answered_at_once)
{
    auto const key = "Authorization: Bearer " + ll->key() + "\r\n";
    auto a = announce(ll->port(), upload_header("POST", "/api/v1/nothing-here", k_fifteen_mib, key));
    EXPECT_EQ(a.status(), 404) << a.text.substr(0, 200);
    EXPECT_TRUE(a.closed);
    a = announce(ll->port(), upload_header("PUT", "/api/v1/conversions/import", k_fifteen_mib, key));
    EXPECT_EQ(a.status(), 405) << a.text.substr(0, 200);
    EXPECT_TRUE(a.closed);
    // Over the route's limit (64 KiB for links) though under the largest: 413 with a good key...
    a = announce(ll->port(), upload_header("POST", "/api/v1/links", 1u << 20, key));
    EXPECT_EQ(a.status(), 413) << a.text.substr(0, 200);
    EXPECT_TRUE(a.closed);
    // ...and 401 without one: who is asking comes before what they send.
    a = announce(ll->port(), upload_header("POST", "/api/v1/links", 1u << 20));
    EXPECT_EQ(a.status(), 401) << a.text.substr(0, 200);
    // Over every route's limit: Beast refuses it while reading the header.
    a = announce(ll->port(), upload_header("POST", "/api/v1/conversions/import", 64u << 20, key));
    EXPECT_EQ(a.status(), 413) << a.text.substr(0, 200);
}

TEST_F(auth_before_body, forty_refused_uploads_leave_the_memory_flat)
{
    auto const pid = ll->server().process().pid();
    // One round first, so what the first requests allocate once is not counted as growth.
    announce(ll->port(), upload_header("POST", "/api/v1/conversions/import?offer_id=1", k_fifteen_mib));
    auto const before = rss_kib(pid);
    ASSERT_GT(before, 0);
    std::vector<std::unique_ptr<http_connection>> uploads;
    for (int i = 0; i < 40; ++i) {
        uploads.push_back(std::make_unique<http_connection>(ll->port()));
        uploads.back()->write_raw(upload_header("POST", "/api/v1/conversions/import?offer_id=1", k_fifteen_mib) +
                                  "Transaction ID;Amount");
    }
    for (auto& upload : uploads) {
        bool closed = false;
        auto const text = upload->read_until_close(5s, closed);
        EXPECT_TRUE(text.starts_with("HTTP/1.1 401")) << text.substr(0, 200);
    }
    auto const after = rss_kib(pid);
    // Reading the bodies would take 40 x 15 MiB = 600 MiB; allow some noise for the sanitizers.
    EXPECT_LT(after - before, 32 * 1024) << "RSS grew from " << before << " KiB to " << after << " KiB";
}

TEST_F(auth_before_body, a_good_key_still_uploads_and_is_told_to_continue)
{
    auto const offer = ll->api("POST", "/api/v1/offers",
                               R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000},"attribution_window_days":30})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const target = "/api/v1/conversions/import?offer_id=" + std::to_string(offer.json().at("id").as_int64());
    std::string const csv = "Transaction ID;Amount;Currency;Status;Click ID;Date\r\n"
                            "AB-1;12,50;EUR;approved;;2026-11-20\r\n";
    auto const reply = send(ll->port(), {"POST", target, csv,
                                         {{"Authorization", "Bearer " + ll->key()}, {"Content-Type", "text/csv"}}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json().at("created").as_int64(), 1) << reply.body;

    // A client that asks first (curl does for big uploads) hears 100 Continue, then its answer.
    http_connection conn(ll->port());
    conn.write_raw(upload_header("POST", target, csv.size(),
                                 "Authorization: Bearer " + ll->key() + "\r\nExpect: 100-continue\r\nConnection: close\r\n"));
    bool closed = false;
    auto const interim = conn.read_until_close(1s, closed);
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    conn.write_raw(csv);
    auto const final_answer = conn.read_until_close(5s, closed);
    EXPECT_TRUE(final_answer.starts_with("HTTP/1.1 200")) << final_answer.substr(0, 300);

    // Refused ones are told at once, and never asked for their body.
    http_connection refused(ll->port());
    refused.write_raw(upload_header("POST", target, k_fifteen_mib, "Expect: 100-continue\r\n"));
    auto const no = refused.read_until_close(2s, closed);
    EXPECT_TRUE(no.starts_with("HTTP/1.1 401")) << no.substr(0, 200);
}

// Every client here connects from its own loopback address (127.0.0.N).
TEST_F(auth_before_body, only_a_few_large_bodies_are_read_at_once_the_next_waits_then_gets_503)
{
    auto const key = "Authorization: Bearer " + ll->key() + "\r\n";
    auto const header = upload_header("POST", "/api/v1/conversions/import?offer_id=1", 1u << 20, key);
    // Anonymous: a shop's webhook, whose signature is checked only once its body is read.
    auto const anonymous = upload_header("POST", "/webhooks/shopify/1", 1u << 20);
    auto const hold = [&](std::string const& head, std::string const& from) {
        auto conn = std::make_unique<http_connection>(ll->port(), from);
        conn->write_raw(head + "Transaction ID;Amount");
        return conn;
    };
    // Holds a large body from `from` and waits until the server has given it its turn.
    auto const hold_a_turn = [&](std::string const& head, std::string const& from) {
        auto const line = "large body turn taken client=" + from + " anonymous=" + (head == anonymous ? "true" : "false");
        auto const before = occurrences(ll->server().process().log(), line);
        auto conn = hold(head, from);
        auto const deadline = std::chrono::steady_clock::now() + 30s;
        while (occurrences(ll->server().process().log(), line) == before) {
            if (std::chrono::steady_clock::now() > deadline) {
                ADD_FAILURE() << "no turn for " << from << " in 30 s:\n" << ll->server().process().log();
                break;
            }
            std::this_thread::sleep_for(10ms);
        }
        return conn;
    };
    std::vector<std::unique_ptr<http_connection>> slow;
    // An anonymous client gets one turn: its second waits, then 503 (four anonymous uploads
    // from one address used to take every turn).
    slow.push_back(hold_a_turn(anonymous, "127.0.0.11"));
    auto const second = announce(ll->port(), anonymous, "127.0.0.11");
    EXPECT_EQ(second.status(), 503) << second.text.substr(0, 300);
    // Anonymous ones get half of the turns: a second client's takes the other, a third's waits.
    slow.push_back(hold_a_turn(anonymous, "127.0.0.12"));
    auto const third = announce(ll->port(), anonymous, "127.0.0.13");
    EXPECT_EQ(third.status(), 503) << third.text.substr(0, 300);
    // A request whose key was checked before its body takes any free turn, even from a client
    // that holds one.
    slow.push_back(hold_a_turn(header, "127.0.0.11"));
    slow.push_back(hold_a_turn(header, "127.0.0.14"));
    // Every turn is taken: the next waits a moment, then 503.
    auto const fifth = announce(ll->port(), header, "127.0.0.15");
    EXPECT_EQ(fifth.status(), 503) << fifth.text.substr(0, 300);
    EXPECT_GE(fifth.took, 1500ms) << "it should wait a moment for a turn first";
    EXPECT_NE(fifth.text.find("Retry-After: 1"), std::string::npos) << fifth.text.substr(0, 300);
    EXPECT_NE(fifth.body().find("\"busy\""), std::string::npos) << fifth.body();
    // Small bodies never wait for a turn.
    auto const small = ll->api("POST", "/api/v1/links", R"({"target_url":"https://shop.example/p","slug":"turns"})");
    EXPECT_EQ(small.status, 201) << small.body;

    // The slow ones go away: their turns come back, and a large body is read again. The server
    // notices the closed connections when it next runs them: on a loaded machine that may take
    // longer than a request's 2 s wait for a turn, so it is asked again for up to 30 s.
    slow.clear();
    std::string const big = "Transaction ID;Amount;Currency;Status;Click ID;Date\r\n" + std::string(100 * 1024, 'x') + "\r\n";
    auto const deadline = std::chrono::steady_clock::now() + 30s;
    auto reply = send(ll->port(), {"POST", "/api/v1/conversions/import?offer_id=1", big,
                                   {{"Authorization", "Bearer " + ll->key()}, {"Content-Type", "text/csv"}}});
    while (reply.status == 503 && std::chrono::steady_clock::now() < deadline)
        reply = send(ll->port(), {"POST", "/api/v1/conversions/import?offer_id=1", big,
                                  {{"Authorization", "Bearer " + ll->key()}, {"Content-Type", "text/csv"}}});
    EXPECT_NE(reply.status, 503) << reply.body;
    EXPECT_NE(reply.status, 401) << reply.body;
}
