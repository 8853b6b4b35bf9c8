// Migration 0019 stores each distinct User-Agent once: clicks::user_agent_ids hands the shipper
// their ids. Same text, same id, for this node after a reconnect and for another node; any
// text (quotes, backslashes, braces, commas, other scripts, empty) comes back as it went in;
// clicks shipped before the migration keep their text and read back through the same function.
// A text in use is seen again each day; retention forgets those no kept click can point to.
#include "test_database.hpp"

#include "clicks/click_retention.hpp"
#include "clicks/user_agent_ids.hpp"
#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <set>
#include <string>
#include <vector>

using linkledger::testing::scratch_database;
namespace clicks = linkledger::clicks;

namespace {

std::vector<clicks::click> with_agents(std::vector<std::string> const& agents)
{
    std::vector<clicks::click> out(agents.size());
    for (std::size_t i = 0; i < agents.size(); ++i)
        out[i].user_agent = agents[i];
    return out;
}

} // namespace

TEST(user_agents, the_same_text_gets_the_same_id_on_every_node_and_reads_back_unchanged)
{
    scratch_database db("user_agents");
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, linkledger::db::embedded_migrations());

    std::vector<std::string> const agents{
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) musical_ly_32.5.0",
        "quote \" backslash \\ brace { } comma , NULL",
        "",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) musical_ly_32.5.0",
        "日本語 Ünïcödé",
        "NULL",
    };
    clicks::user_agent_ids node_a;
    auto const ids = node_a.resolve(conn, with_agents(agents));
    ASSERT_EQ(ids.size(), agents.size());
    EXPECT_EQ(ids[0], ids[3]) << "the same text, the same id";
    EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 5u) << "five distinct texts";
    EXPECT_EQ(db.query_value("SELECT count(*) FROM user_agents"), "5");
    for (std::size_t i = 0; i < agents.size(); ++i)
        EXPECT_EQ(db.query_value("SELECT user_agent FROM user_agents WHERE id = " + std::to_string(ids[i])), agents[i]);

    // Another node (an empty cache) and this one after a reconnect: the same ids, no new rows.
    clicks::user_agent_ids node_b;
    auto const seen_by_b = node_b.resolve(conn, with_agents({agents[4], "a new one", agents[1]}));
    EXPECT_EQ(seen_by_b[0], ids[4]);
    EXPECT_EQ(seen_by_b[2], ids[1]);
    EXPECT_EQ(node_a.resolve(conn, with_agents({"a new one"})), std::vector<std::int64_t>{seen_by_b[1]});
    node_a.clear();
    EXPECT_EQ(node_a.resolve(conn, with_agents(agents)), ids);
    EXPECT_EQ(db.query_value("SELECT count(*) FROM user_agents"), "6");

    // A node whose cache would outgrow its bound starts it again, and still answers every click.
    clicks::user_agent_ids small(3);
    EXPECT_EQ(small.resolve(conn, with_agents({agents[0], agents[1]})), (std::vector<std::int64_t>{ids[0], ids[1]}));
    EXPECT_EQ(small.resolve(conn, with_agents(agents)), ids);

    // A click stored before 0019 has its text and no id; one stored after, '' and an id.
    db.execute("SELECT linkledger_ensure_click_partition('2026-11-30');"
               "INSERT INTO clicks (click_id, at, link_id, user_agent) VALUES ('old', '2026-11-30 10:00Z', 1, 'Old/1.0');"
               "INSERT INTO clicks (click_id, at, link_id, user_agent_id) VALUES ('new', '2026-11-30 11:00Z', 1, " +
               std::to_string(ids[1]) + ")");
    EXPECT_EQ(db.query_value("SELECT string_agg(linkledger_click_user_agent(user_agent, user_agent_id), ' | ' "
                             "ORDER BY click_id) FROM clicks"),
              "quote \" backslash \\ brace { } comma , NULL | Old/1.0");

    // Asked for on a later day (a node's cache starts again each day), a text is seen again;
    // retention forgets a text unseen for longer than a kept click can be old (retention + a
    // month, partitions going a month at a time) plus a month of margin: 395 + 62 days here.
    db.execute("UPDATE user_agents SET last_seen = last_seen - 3 WHERE id = " + std::to_string(ids[4]) + ";"
               "UPDATE user_agents SET last_seen = last_seen - 458 WHERE id = " + std::to_string(ids[5]) + ";"
               "UPDATE user_agents SET last_seen = last_seen - 426 WHERE id = " + std::to_string(ids[2]));
    auto const day_before = db.query_value("SELECT (now() AT TIME ZONE 'UTC')::date");
    clicks::user_agent_ids next_day;
    EXPECT_EQ(next_day.resolve(conn, with_agents({agents[4]})), std::vector<std::int64_t>{ids[4]});
    EXPECT_EQ(db.query_value("SELECT last_seen >= '" + day_before + "' FROM user_agents WHERE id = " +
                             std::to_string(ids[4])),
              "t");
    clicks::click_retention(395).upkeep(conn, std::chrono::system_clock::now());
    EXPECT_EQ(db.query_value("SELECT string_agg(id::text, ',' ORDER BY id) FROM user_agents WHERE id IN (" +
                             std::to_string(ids[2]) + "," + std::to_string(ids[4]) + "," + std::to_string(ids[5]) + ")"),
              std::to_string(std::min(ids[2], ids[4])) + "," + std::to_string(std::max(ids[2], ids[4])))
        << "426 days unseen (395 + 31) is kept; 458 (395 + 63) is not";
    // A text forgotten comes back under a new id when a click brings it again.
    auto const again = next_day.resolve(conn, with_agents({agents[5]}));
    EXPECT_GT(again[0], ids[5]);
    EXPECT_EQ(db.query_value("SELECT user_agent FROM user_agents WHERE id = " + std::to_string(again[0])), agents[5]);
}

// A node that stays up for days asks for each text it ships once a day, so last_seen keeps
// up with a text in use and retention never forgets a text a shipped click still points to;
// within a day, it asks once.
TEST(user_agents, a_node_up_for_days_refreshes_each_text_once_a_day)
{
    scratch_database db("user_agents_days");
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, linkledger::db::embedded_migrations());

    auto const agents = with_agents({"Mozilla/5.0 (iPhone) musical_ly_32.5.0"});
    auto const monday = std::chrono::system_clock::now();
    clicks::user_agent_ids node;
    auto const id = node.resolve(conn, agents, monday);
    auto const today = db.query_value("SELECT (now() AT TIME ZONE 'UTC')::date");
    db.execute("UPDATE user_agents SET last_seen = '2000-01-01'");

    // The same day: answered from memory, nothing written.
    EXPECT_EQ(node.resolve(conn, agents, monday), id);
    EXPECT_EQ(db.query_value("SELECT last_seen FROM user_agents"), "2000-01-01");

    // The next UTC day: asked again, last_seen moves up (to the database's today), same id.
    EXPECT_EQ(node.resolve(conn, agents, monday + std::chrono::hours(24)), id);
    EXPECT_EQ(db.query_value("SELECT last_seen >= '" + today + "' FROM user_agents"), "t");
    db.execute("UPDATE user_agents SET last_seen = '2000-01-01'");
    EXPECT_EQ(node.resolve(conn, agents, monday + std::chrono::hours(24)), id);
    EXPECT_EQ(db.query_value("SELECT last_seen FROM user_agents"), "2000-01-01") << "asked twice on one day";
    EXPECT_EQ(node.resolve(conn, agents, monday + std::chrono::hours(48)), id);
    EXPECT_EQ(db.query_value("SELECT last_seen >= '" + today + "' FROM user_agents"), "t");
    EXPECT_EQ(db.query_value("SELECT count(*) FROM user_agents"), "1");
}
