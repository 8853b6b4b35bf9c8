// Several instances on one database (issue 7): two `linkledger serve` processes with their own
// ports, data dirs and journals share one PostgreSQL. Both redirect, a link made through one
// redirects on the other within a second, both journals ship, and no click counts twice.
#include "instance.hpp"
#include "eventually.hpp"
#include "redirect_load.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

bool within(std::chrono::milliseconds limit, auto&& condition)
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    do {
        if (condition())
            return true;
        std::this_thread::sleep_for(10ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

std::string id_array(std::set<std::string> const& ids)
{
    std::string out = "'{";
    for (auto const& id : ids)
        out += (out.size() > 2 ? "," : "") + id;
    return out + "}'::text[]";
}

TEST(two_instances, share_one_database_without_counting_any_click_twice)
{
    instance a("two_instances");
    server_process b(a.db().url());
    ASSERT_NE(a.server().data_dir(), b.data_dir());

    // A link made through either instance redirects on the other within a second.
    a.create_link(R"({"target_url":"https://shop.example/a?c={click_id}","slug":"made-on-a"})");
    EXPECT_TRUE(within(1s, [&] { return send(b.port(), {"GET", "/made-on-a", "", {}}).status == 302; }))
        << "a link created on A did not reach B within 1 s";
    auto const made_on_b = api(b.port(), "POST", "/api/v1/links", a.key(),
                               R"({"target_url":"https://shop.example/b?c={click_id}","slug":"made-on-b"})");
    ASSERT_EQ(made_on_b.status, 201) << made_on_b.body;
    EXPECT_TRUE(within(1s, [&] { return send(a.port(), {"GET", "/made-on-b", "", {}}).status == 302; }))
        << "a link created on B did not reach A within 1 s";

    // Followers on both instances at once, on both links.
    std::set<std::string> ids;
    {
        redirect_load on_a(a.port(), "/made-on-b", 2);
        redirect_load on_b(b.port(), "/made-on-a", 2);
        // Both under load together for 1.5 s, and past 20 redirects each however long that takes.
        std::this_thread::sleep_for(1500ms);
        EXPECT_TRUE(eventually([&] { return on_a.redirects() > 20 && on_b.redirects() > 20; }))
            << on_a.redirects() << " and " << on_b.redirects();
        auto const from_a = on_a.stop();
        auto const from_b = on_b.stop();
        EXPECT_EQ(on_a.failures() + on_b.failures(), 0u);
        ASSERT_GT(from_a.size(), 20u);
        ASSERT_GT(from_b.size(), 20u);
        ids.insert(from_a.begin(), from_a.end());
        ids.insert(from_b.begin(), from_b.end());
        EXPECT_EQ(ids.size(), from_a.size() + from_b.size()) << "two instances minted the same click id";
    }
    // The four probes above were redirects too; they are clicks like the others.
    std::string const links = "(SELECT id FROM links WHERE slug IN ('made-on-a', 'made-on-b'))";
    auto const expected = std::to_string(ids.size() + 2);

    auto const stored = a.db().wait_for_value("SELECT count(*) FROM clicks WHERE link_id IN " + links, expected, 30s);
    EXPECT_EQ(stored, expected) << "rows in clicks must equal the 302s sent";
    EXPECT_EQ(a.db().query_value("SELECT count(*) FROM clicks WHERE click_id = ANY(" + id_array(ids) + ")"),
              std::to_string(ids.size()));
    EXPECT_EQ(a.db().query_value("SELECT count(*) - count(DISTINCT click_id) FROM clicks"), "0");
    EXPECT_EQ(a.db().query_value("SELECT (SELECT sum(clicks) FROM click_rollups_daily WHERE link_id IN " + links +
                                 ") = (SELECT count(*) FROM clicks WHERE NOT bot AND link_id IN " + links + ")"),
              "t");

    // Both journals shipped: two nodes checkpointed, each with its own clicks, nothing left.
    EXPECT_EQ(a.db().query_value("SELECT count(*) FROM journal_checkpoints WHERE shipped > 0"), "2");
    EXPECT_EQ(a.db().query_value("SELECT count(DISTINCT node_id) FROM clicks WHERE link_id IN " + links), "2");
    EXPECT_EQ(a.db().query_value("SELECT sum(shipped) FROM journal_checkpoints"), expected);
    // Each shipper counts a batch as shipped after its commit (and after removing the segments it
    // emptied), so the rows above can be there a moment before a status says so: wait for it.
    for (auto const port : {a.port(), b.port()}) {
        http_reply status;
        within(10s, [&] {
            status = api(port, "GET", "/api/v1/status", a.key());
            return status.status == 200 && status.json().at("journal").at("backlog_clicks").to_number<std::int64_t>() == 0;
        });
        ASSERT_EQ(status.status, 200) << status.body;
        EXPECT_EQ(status.json().at("journal").at("backlog_clicks").to_number<std::int64_t>(), 0) << status.body;
        EXPECT_GT(status.json().at("writer").at("shipped").to_number<std::int64_t>(), 0) << status.body;
    }
}

} // namespace
