// The HTTP server itself: health checks, limits on slow clients and big headers, request
// logging and a clean shutdown, against the real binary.
#include "instance.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <signal.h>

#include <algorithm>
#include <future>
#include <thread>
#include <vector>

using namespace linkledger::testing;

namespace {

TEST(server, health_and_readiness)
{
    instance ll("health");
    auto const health = send(ll.port(), {"GET", "/healthz", "", {}});
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.json().at("status").as_string(), "ok");
    auto const ready = send(ll.port(), {"GET", "/readyz", "", {}});
    EXPECT_EQ(ready.status, 200) << ready.body;

    // Take the database away under the running server: readiness must say so, health not.
    {
        pqxx::connection admin(with_database(test_cluster_url(), "postgres"));
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE " + tx.quote_name(ll.db().name()) + " WITH (FORCE)");
    }
    auto const unready = send(ll.port(), {"GET", "/readyz", "", {}});
    EXPECT_EQ(unready.status, 503) << unready.body;
    EXPECT_EQ(unready.json().at("database").as_string(), "unreachable");
    EXPECT_EQ(send(ll.port(), {"GET", "/healthz", "", {}}).status, 200);
    // The API answers 503 with the JSON error shape, not a crash.
    auto const listed = ll.api("GET", "/api/v1/links");
    EXPECT_GE(listed.status, 500) << listed.body;
    EXPECT_TRUE(listed.json().as_object().contains("error"));
}

// A session holding a lock (a long manual transaction, a backup) must not take the pool's
// connections with it for as long as it holds the lock: requests get 503 database_busy once
// their bound passes, and the server answers normally as soon as the lock goes.
void expect_busy_then_served(environment env)
{
    env["LINKLEDGER_DB_POOL_SIZE"] = "2";
    env["LINKLEDGER_RATE_LIMIT_API"] = "0";
    instance ll("db_bounds", env);
    ASSERT_EQ(ll.api("GET", "/api/v1/links").status, 200);
    // PostgreSQL restarted under the server: libpqxx reconnects the pool's connections itself,
    // and the bounds must come back with them.
    ll.db().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    for (int i = 0; i < 4; ++i) // each pooled connection finds out on its next use
        ll.api("GET", "/api/v1/links");
    ASSERT_EQ(ll.api("GET", "/api/v1/links").status, 200);

    pqxx::connection holder(ll.db().url());
    auto lock = std::make_unique<pqxx::work>(holder);
    lock->exec("LOCK TABLE links IN ACCESS EXCLUSIVE MODE");

    // Twice the pool: the later ones get a connection only after the first ones gave theirs back.
    std::vector<std::future<http_reply>> replies;
    for (int i = 0; i < 4; ++i)
        replies.push_back(std::async(std::launch::async, [&] { return ll.api("GET", "/api/v1/links"); }));
    bool const all_answered = std::all_of(replies.begin(), replies.end(), [](auto& r) {
        return r.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    });
    lock.reset(); // rolls back, releasing the lock, so a hung request ends before the test does
    ASSERT_TRUE(all_answered) << "requests waited on the lock for 20 s";
    for (auto& r : replies) {
        auto const reply = r.get();
        EXPECT_EQ(reply.status, 503) << reply.body;
        EXPECT_EQ(reply.json().at("error").at("code").as_string(), "database_busy") << reply.body;
    }
    auto const after = ll.api("GET", "/api/v1/links");
    EXPECT_EQ(after.status, 200) << after.body;
    EXPECT_EQ(send(ll.port(), {"GET", "/readyz", "", {}}).status, 200);
}

// A sale a network sends once must not be lost to a lock another transaction (a large CSV
// import) holds: postbacks wait past the request pool's lock bound.
TEST(server, a_postback_waits_for_a_lock_as_long_as_it_is_held)
{
    instance ll("db_bounds_postback", {{"LINKLEDGER_DB_LOCK_TIMEOUT", "1"}, {"LINKLEDGER_RATE_LIMIT_API", "0"}});
    auto const offer = ll.api("POST", "/api/v1/offers", R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const url = std::string(offer.json().at("postback_url").as_string());
    auto const at = url.find("token=") + 6;
    auto const target = "/postback/" + std::to_string(offer.json().at("id").as_int64()) +
                        "?token=" + url.substr(at, url.find('&', at) - at) + "&txid=HELD-1&amount=10.00";
    pqxx::connection holder(ll.db().url());
    auto lock = std::make_unique<pqxx::work>(holder);
    lock->exec("LOCK TABLE conversions IN SHARE MODE");
    auto reply = std::async(std::launch::async, [&] { return send(ll.port(), {"GET", target, "", {}}); });
    EXPECT_EQ(reply.wait_for(std::chrono::milliseconds(2500)), std::future_status::timeout) << "answered while locked";
    lock.reset();
    ASSERT_EQ(reply.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    auto const answer = reply.get();
    EXPECT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM conversions WHERE txid = 'HELD-1'"), "1");
}

TEST(server, a_lock_held_elsewhere_gives_503_after_the_lock_timeout)
{
    expect_busy_then_served({{"LINKLEDGER_DB_LOCK_TIMEOUT", "1"}});
}

TEST(server, a_query_running_past_the_statement_timeout_gives_503)
{
    // The lock wait is what runs long here: the statement bound (1 s) passes before the lock's (5 s).
    expect_busy_then_served({{"LINKLEDGER_DB_STATEMENT_TIMEOUT", "1"}});
}

TEST(server, slow_clients_are_dropped)
{
    instance ll("slow", {{"LINKLEDGER_REQUEST_TIMEOUT", "1"}});
    http_connection slow(ll.port());
    slow.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // never finishes its header
    bool closed = false;
    auto const started = std::chrono::steady_clock::now();
    slow.read_until_close(std::chrono::seconds(5), closed);
    EXPECT_TRUE(closed) << "the server kept a trickling client for over 5 s";
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
    // Others are still served.
    EXPECT_EQ(send(ll.port(), {"GET", "/healthz", "", {}}).status, 200);
}

TEST(server, oversized_headers_are_431)
{
    instance ll("headers");
    http_connection conn(ll.port());
    conn.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(16 * 1024, 'a') + "\r\n\r\n");
    bool closed = false;
    auto const answer = conn.read_until_close(std::chrono::seconds(5), closed);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 431")) << answer.substr(0, 100);
}

TEST(server, logs_one_line_per_request_and_stops_cleanly_on_sigterm)
{
    instance ll("lifecycle");
    send(ll.port(), {"GET", "/healthz?token=secret-value", "", {}});
    send(ll.port(), {"GET", "/no-such-slug", "", {}});
    ASSERT_TRUE(ll.server().process().wait_for_log("path=/no-such-slug status=404", std::chrono::seconds(5)))
        << ll.server().process().log();
    // Each line is written once its response is sent, so the two may land in either order.
    EXPECT_TRUE(ll.server().process().wait_for_log("http method=GET path=/healthz status=200 latency_ms=",
                                                   std::chrono::seconds(5)))
        << ll.server().process().log();
    auto const log = ll.server().process().log();
    EXPECT_EQ(log.find("secret-value"), std::string::npos) << "query strings must not be logged";

    // An idle kept-alive connection must not hold up the shutdown.
    http_connection idle(ll.port());
    EXPECT_EQ(idle.send({"GET", "/healthz", "", {}}).status, 200);
    auto const started = std::chrono::steady_clock::now();
    ll.server().process().send_signal(SIGTERM);
    EXPECT_EQ(ll.server().process().wait(std::chrono::seconds(15)), 0) << ll.server().process().log();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_NE(ll.server().process().log().find("stopped"), std::string::npos);
}

} // namespace
