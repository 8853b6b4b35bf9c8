// A data directory's journal belongs to one database: its unshipped clicks are never shipped
// into another one (issue 15, item 9). Over the real binary, a private PostgreSQL that can be
// stopped (the journal's own database) and a scratch database of the shared cluster (another).
#include "instance.hpp"
#include "private_cluster.hpp"
#include "redirect_load.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

std::string temp_dir()
{
    char pattern[] = "/tmp/ll-bind-XXXXXX";
    if (::mkdtemp(pattern) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    return pattern;
}

std::string tap(unsigned short port, std::string const& path)
{
    auto const reply = send(port, {"GET", path, "", {{"User-Agent", "Mozilla/5.0 (iPhone) musical_ly_1"}}});
    if (reply.status != 302)
        throw std::runtime_error("no redirect: " + std::to_string(reply.status) + " " + reply.body);
    return click_id_of(reply.header("Location"));
}

std::string id_list(std::set<std::string> const& ids)
{
    std::string out;
    for (auto const& id : ids)
        out += (out.empty() ? "'" : ",'") + id + "'";
    return out;
}

environment serve_env(std::string const& database_url, std::string const& data_dir)
{
    return {{"LINKLEDGER_DATABASE_URL", database_url}, {"LINKLEDGER_LISTEN", "127.0.0.1:0"},
            {"LINKLEDGER_DATA_DIR", data_dir}, {"LINKLEDGER_THREADS", "2"}};
}

} // namespace

TEST(journal_binding, unshipped_clicks_refuse_another_database_and_ship_to_their_own)
{
    private_cluster own;
    scratch_database other("binding_other");
    auto const data_dir = temp_dir();
    auto const created = run_linkledger({"api-key", "create", "--name", "tests"},
                                        {{"LINKLEDGER_DATABASE_URL", own.url()}});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auto const key = last_line(created.out);
    auto const own_name = query_once(own.url(), "SELECT current_database()");

    // Clicks journaled while the journal's own database is down: a backlog it keeps on SIGTERM.
    std::set<std::string> ids;
    {
        server_process server(own.url(), {}, data_dir);
        ASSERT_EQ(api(server.port(), "POST", "/api/v1/links", key,
                      R"({"target_url":"https://shop.example/p?c={click_id}","slug":"bound"})").status, 201);
        auto const first = tap(server.port(), "/bound");
        auto const deadline = std::chrono::steady_clock::now() + 10s;
        while (query_once(own.url(), "SELECT count(*) FROM clicks WHERE click_id = '" + first + "'") != "1" &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(50ms);
        own.stop();
        for (int i = 0; i < 5; ++i)
            ids.insert(tap(server.port(), "/bound"));
        server.process().send_signal(SIGTERM);
        // Not its exit code: under LeakSanitizer it is 134, for a PGresult libpqxx 6.4 leaks
        // when BEGIN meets a dead connection (the shipper's, while PostgreSQL is down).
        server.process().wait();
        EXPECT_NE(server.process().log().find("kept in the journal for the next start"), std::string::npos)
            << server.process().log();
    }

    // Pointed at another database: exit 2, naming the journal's database and what to do.
    auto const refused = run_linkledger({"serve"}, serve_env(other.url(), data_dir));
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("refusing to start"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("not yet shipped to database \"" + own_name + "\" (system identifier "),
              std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("LINKLEDGER_DATABASE_URL points at database \"" + other.name() + "\""),
              std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("point LINKLEDGER_DATABASE_URL back at"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("move the data directory away (mv " + data_dir), std::string::npos) << refused.err;
    EXPECT_EQ(refused.err.find("listening on"), std::string::npos) << refused.err;
    EXPECT_EQ(other.query_value("SELECT count(*) FROM clicks"), "0");
    EXPECT_EQ(other.query_value("SELECT count(*) FROM journal_checkpoints"), "0");

    // Back on its own database: the backlog ships, once.
    own.start();
    {
        server_process server(own.url(), {}, data_dir);
        auto const in_own = [&] {
            return query_once(own.url(), "SELECT count(*) FROM clicks WHERE click_id IN (" + id_list(ids) + ")");
        };
        auto const deadline = std::chrono::steady_clock::now() + 30s;
        while (in_own() != "5" && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(50ms);
        EXPECT_EQ(in_own(), "5");
        // One more click, shipped: it stays on disk in the segment being written.
        auto const last = tap(server.port(), "/bound");
        while (query_once(own.url(), "SELECT count(*) FROM clicks WHERE click_id = '" + last + "'") != "1" &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(50ms);
        server.process().send_signal(SIGTERM);
        EXPECT_EQ(server.process().wait(), 0);
    }
    EXPECT_EQ(query_once(own.url(), "SELECT count(*) - count(DISTINCT click_id) FROM clicks"), "0");

    // Nothing unshipped: the data directory simply moves to the other database, and what the
    // journal still holds of the first one is not shipped there.
    {
        server_process server(other.url(), {}, data_dir);
        EXPECT_TRUE(server.process().wait_for_log("re-bound", 0ms)) << server.process().log();
        EXPECT_EQ(other.wait_for_value("SELECT count(*) FROM journal_checkpoints", "1"), "1");
        auto const ready = send(server.port(), {"GET", "/readyz", "", {}});
        EXPECT_EQ(ready.status, 200) << ready.body;
        std::this_thread::sleep_for(300ms);
        EXPECT_EQ(other.query_value("SELECT count(*) FROM clicks"), "0");
    }
    std::filesystem::remove_all(data_dir);
}
