// Operator-facing behaviour over real HTTP: JSON log lines, client addresses taken from
// X-Forwarded-For only when the connection comes from a trusted proxy, one instance per data dir.
#include "instance.hpp"
#include "redirect_load.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <memory>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

// Follows `slug` with this X-Forwarded-For and returns the anonymised IP stored for the click.
std::string stored_ip_for(instance& ll, std::string const& slug, std::string const& forwarded_for)
{
    auto const reply = send(ll.port(), {"GET", "/" + slug, "", {{"X-Forwarded-For", forwarded_for}}});
    EXPECT_EQ(reply.status, 302) << reply.body;
    auto const click_id = click_id_of(reply.header("Location"));
    auto const where = " FROM clicks WHERE click_id = '" + click_id + "'";
    EXPECT_EQ(ll.db().wait_for_value("SELECT count(*)" + where, "1"), "1");
    return ll.db().query_value("SELECT ip_anon" + where);
}

TEST(operations, json_logs_are_one_object_per_line_with_the_request_fields)
{
    instance ll("json_logs", {{"LINKLEDGER_LOG_FORMAT", "json"}});
    send(ll.port(), {"GET", "/healthz?token=hidden-value", "", {}});
    ASSERT_TRUE(ll.server().process().wait_for_log(R"("path":"/healthz")", 5s)) << ll.server().process().log();
    auto const log = ll.server().process().log();
    EXPECT_EQ(log.find("hidden-value"), std::string::npos);
    std::size_t lines = 0;
    bool request_seen = false;
    std::size_t start = 0;
    while (start < log.size()) {
        auto const end = log.find('\n', start);
        auto const line = log.substr(start, end - start);
        start = end == std::string::npos ? log.size() : end + 1;
        if (line.empty() || line.starts_with("=="))
            continue; // sanitizer chatter, not ours
        ++lines;
        boost::json::object entry;
        try {
            entry = boost::json::parse(line).as_object();
        } catch (std::exception const& e) {
            ADD_FAILURE() << "not a JSON object: " << line;
            continue;
        }
        EXPECT_TRUE(entry.contains("time") && entry.contains("level") && entry.contains("message")) << line;
        if (entry.contains("path") && entry.at("path") == "/healthz") {
            request_seen = true;
            EXPECT_EQ(entry.at("method"), "GET");
            EXPECT_EQ(entry.at("status"), 200);
            EXPECT_TRUE(entry.at("latency_ms").is_number()) << line;
            EXPECT_EQ(entry.at("level"), "info");
        }
    }
    EXPECT_GT(lines, 3u);
    EXPECT_TRUE(request_seen);
}

TEST(operations, forwarded_for_is_believed_only_from_trusted_proxies)
{
    instance behind_proxy("trusted_proxy", {{"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"}});
    behind_proxy.create_link(R"({"target_url":"https://shop.example/p?c={click_id}","slug":"xff"})");
    // The client forged the leftmost hop; the proxy chain appended the real one and itself.
    EXPECT_EQ(stored_ip_for(behind_proxy, "xff", "1.2.3.4, 198.51.100.77, 10.1.1.1"), "198.51.100.0");
    EXPECT_EQ(stored_ip_for(behind_proxy, "xff", "2001:db8:1234:5678::1"), "2001:db8:1234::");
    EXPECT_EQ(stored_ip_for(behind_proxy, "xff", "not-an-ip"), "127.0.0.0");

    instance direct("untrusted_proxy");
    direct.create_link(R"({"target_url":"https://shop.example/p?c={click_id}","slug":"xff"})");
    // Nobody is trusted by default: a follower cannot choose their address with the header.
    EXPECT_EQ(stored_ip_for(direct, "xff", "198.51.100.77"), "127.0.0.0");
}

} // namespace

namespace {

TEST(operations, a_data_dir_serves_one_instance_at_a_time)
{
    scratch_database db("data_dir_lock");
    char pattern[] = "/tmp/ll-lock-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    std::string const dir = pattern;
    {
        auto first = std::make_unique<server_process>(db.url(), environment{}, dir);
        // A second instance on the same journal and node id must refuse, saying why.
        auto const second = run_linkledger({"serve"}, {{"LINKLEDGER_DATABASE_URL", db.url()},
                                                       {"LINKLEDGER_DATA_DIR", dir},
                                                       {"LINKLEDGER_LISTEN", "127.0.0.1:0"}});
        EXPECT_EQ(second.exit_code, 1) << second.err;
        EXPECT_NE(second.err.find("is in use by another linkledger (pid " +
                                  std::to_string(first->process().pid()) + ")"),
                  std::string::npos)
            << second.err;
        EXPECT_TRUE(first->process().running());
        // A crash leaves no stale lock behind: the next start on the directory just works.
        first->process().send_signal(SIGKILL);
        first->process().wait();
        first.reset();
        server_process again(db.url(), {}, dir);
        EXPECT_EQ(send(again.port(), {"GET", "/healthz", "", {}}).status, 200);
    }
    std::filesystem::remove_all(dir);
}

} // namespace
