// clicks::store_clicks and store_missing_clicks write every column of a click as the journal had
// it: empty texts as '', the link's own target as a NULL rule, text with a tab intact, in batches
// where all, some or none of the clicks have a referrer, UTM fields, a bot reason or a rule; and
// the replay path stores exactly the clicks missing, with the same values.
#include "journal_clicks.hpp"
#include "test_database.hpp"

#include "clicks/click_batch_store.hpp"
#include "clicks/click_id.hpp"
#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

using linkledger::testing::scratch_database;
namespace clicks = linkledger::clicks;

namespace {

auto const k_at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 20} + std::chrono::hours(9);

clicks::click plain_click(int n)
{
    auto const at = k_at + std::chrono::seconds(n);
    return linkledger::testing::journal_click(clicks::new_click_id(at), 7, at, "203.0.113.0");
}

clicks::click full_click(int n)
{
    auto c = plain_click(n);
    c.referer = "https://www.tiktok.com/";
    c.utm_source = "tiktok";
    c.utm_medium = "bio";
    c.utm_campaign = "nov\tsale";
    c.utm_term = "term";
    c.utm_content = "v1";
    c.bot = true;
    c.bot_reason = "facebook link preview";
    c.rule = 2;
    return c;
}

struct stored_batch {
    std::vector<std::string> days;
    std::vector<std::string> hashes;
    std::vector<std::int64_t> agents;
    std::string node = "node-a";

    explicit stored_batch(std::size_t n) : days(n, "2026-11-20"), hashes(n), agents(n, 1) {}
    clicks::click_batch_rows rows(std::vector<clicks::click> const& batch) const
    {
        return {batch, days, hashes, agents, node};
    }
};

// Every column a click is stored with, as one text to compare.
std::string stored(scratch_database const& db, std::string const& click_id)
{
    std::string sql =
        "SELECT concat_ws('|', link_id, node_id, ip_anon, user_agent_id, referer, utm_source, utm_medium, "
        "utm_campaign, utm_term, utm_content, source, in_app, device, os, country, bot, bot_reason, "
        "coalesce(rule::text, 'NULL'), coalesce(encode(visitor_hash, 'hex'), 'NULL')) FROM clicks WHERE click_id = '";
    sql.append(click_id).append("'");
    return db.query_value(sql);
}

std::string const k_only_term = "x";
std::string const k_plain = "7|node-a|203.0.113.0|1|||||||tiktok|tiktok|mobile|ios|FR|f||NULL|NULL";
std::string const k_full = "7|node-a|203.0.113.0|1|https://www.tiktok.com/|tiktok|bio|nov\tsale|term|v1|"
                           "tiktok|tiktok|mobile|ios|FR|t|facebook link preview|2|NULL";

} // namespace

TEST(click_batch_store, every_column_is_stored_as_the_journal_had_it_in_batches_with_and_without_extras)
{
    scratch_database db("click_batch_store");
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, linkledger::db::embedded_migrations());
    db.execute("SELECT linkledger_ensure_click_partition('2026-11-20')");

    std::vector<std::vector<clicks::click>> const batches{
        {plain_click(1), plain_click(2)},                 // no click with a referrer, UTM fields, bot reason or rule
        {full_click(3), full_click(4)},                   // every click with all of them
        {plain_click(5), full_click(6), plain_click(7)}, // some with, some without
    };
    for (auto const& batch : batches) {
        stored_batch extra(batch.size());
        pqxx::work tx(conn);
        clicks::store_clicks(tx, extra.rows(batch), {});
        tx.commit();
    }
    EXPECT_EQ(db.query_value("SELECT count(*) FROM clicks"), "7");
    for (auto const& batch : batches)
        for (auto const& c : batch)
            EXPECT_EQ(stored(db, c.click_id), c.rule == clicks::k_no_rule ? k_plain : k_full) << c.click_id;

    // One UTM field alone, with a visitor hash: only those differ from the plain click.
    auto only_term = plain_click(8);
    only_term.utm_term = k_only_term;
    std::vector<clicks::click> const alone{only_term};
    stored_batch extra(1);
    extra.hashes[0] = "abcd";
    {
        pqxx::work tx(conn);
        clicks::store_clicks(tx, extra.rows(alone), {});
        tx.commit();
    }
    EXPECT_EQ(stored(db, only_term.click_id), "7|node-a|203.0.113.0|1|||||x||tiktok|tiktok|mobile|ios|FR|f||NULL|abcd");
}

TEST(click_batch_store, the_replay_path_stores_the_missing_clicks_with_the_same_values)
{
    scratch_database db("click_batch_replay");
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, linkledger::db::embedded_migrations());
    db.execute("SELECT linkledger_ensure_click_partition('2026-11-20')");

    std::vector<clicks::click> const first{plain_click(1)};
    std::vector<clicks::click> const replay{first[0], full_click(2), plain_click(3)};
    {
        stored_batch extra(first.size());
        pqxx::work tx(conn);
        clicks::store_clicks(tx, extra.rows(first), {});
        tx.commit();
    }
    stored_batch extra(replay.size());
    pqxx::work tx(conn);
    auto stored_now = clicks::store_missing_clicks(tx, extra.rows(replay));
    tx.commit();
    std::sort(stored_now.begin(), stored_now.end());
    EXPECT_EQ(stored_now, (std::vector<std::size_t>{1, 2}));
    EXPECT_EQ(db.query_value("SELECT count(*) FROM clicks"), "3");
    EXPECT_EQ(stored(db, replay[0].click_id), k_plain);
    EXPECT_EQ(stored(db, replay[1].click_id), k_full);
    EXPECT_EQ(stored(db, replay[2].click_id), k_plain);
}
