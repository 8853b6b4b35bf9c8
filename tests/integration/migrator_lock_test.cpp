// A migration that needs a table another session holds (the backup's pg_dump keeps an ACCESS
// SHARE lock on every table for the whole dump) must not queue for it indefinitely: while an
// ALTER TABLE waits, every later query on that table waits behind it. It steps out after its
// lock timeout, lets the queries through, tries again, and gives up with an error naming the
// holders.
#include "test_database.hpp"

#include "db/migrator.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>
#include <future>
#include <thread>

using linkledger::db::migrate;
using linkledger::db::migrate_options;
using linkledger::db::migration_source;
using linkledger::testing::scratch_database;
using namespace std::chrono;

namespace {

std::vector<migration_source> const k_first{{"0001_table.sql", "CREATE TABLE t (a integer); INSERT INTO t VALUES (1)"}};
std::vector<migration_source> const k_both{{"0001_table.sql", "CREATE TABLE t (a integer); INSERT INTO t VALUES (1)"},
                                           {"0002_column.sql", "ALTER TABLE t ADD COLUMN b integer DEFAULT 2"}};

// As pg_dump does: a transaction holding ACCESS SHARE on the table.
struct dump_like_reader {
    explicit dump_like_reader(std::string const& url) : conn(url), tx(conn)
    {
        tx.exec("SELECT set_config('application_name', 'pg_dump', true)");
        tx.exec("LOCK TABLE t IN ACCESS SHARE MODE");
    }
    pqxx::connection conn;
    pqxx::work tx;
};

} // namespace

TEST(migrator_locks, a_migration_waits_out_a_dump_without_blocking_queries_meanwhile)
{
    scratch_database db("migrator_locks");
    pqxx::connection conn(db.url());
    migrate(conn, k_first);
    // Declared before the reader, so that a failing check below ends the dump first: the
    // future's destructor waits for the migration.
    std::future<linkledger::db::migration_report> migrating;
    auto reader = std::make_unique<dump_like_reader>(db.url());

    auto const started = steady_clock::now();
    migrating = std::async(std::launch::async, [&] {
        pqxx::connection own(db.url());
        return migrate(own, k_both, migrate_options{milliseconds(300), seconds(20)});
    });
    // While the migration waits: a query on the table gets through within about one lock
    // timeout (it would wait for the whole dump if the ALTER stayed in the queue).
    std::this_thread::sleep_for(milliseconds(500));
    pqxx::connection other(db.url());
    for (int i = 0; i < 3; ++i) {
        pqxx::work tx(other);
        tx.exec("SET LOCAL statement_timeout = '2s'");
        auto const asked = steady_clock::now();
        EXPECT_EQ(tx.exec1("SELECT a FROM t")[0].as<int>(), 1);
        EXPECT_LT(steady_clock::now() - asked, milliseconds(1000)) << "query " << i << " waited behind the ALTER";
        tx.commit();
        std::this_thread::sleep_for(milliseconds(200));
    }
    EXPECT_EQ(migrating.wait_for(milliseconds(0)), std::future_status::timeout) << "applied under the dump's lock";
    reader.reset(); // the dump ends
    auto const report = migrating.get();
    EXPECT_GE(steady_clock::now() - started, milliseconds(1100));
    ASSERT_EQ(report.applied.size(), 1u);
    EXPECT_EQ(report.applied[0], "0002_column.sql");
    EXPECT_EQ(db.query_value("SELECT b FROM t"), "2");
}

TEST(migrator_locks, a_dump_outlasting_the_wait_fails_the_start_naming_it_and_changes_nothing)
{
    scratch_database db("migrator_locks");
    pqxx::connection conn(db.url());
    migrate(conn, k_first);
    dump_like_reader reader(db.url());
    try {
        migrate(conn, k_both, migrate_options{milliseconds(200), milliseconds(1500)});
        FAIL() << "migrated under the dump's lock";
    } catch (linkledger::db::migration_error const& e) {
        std::string const what = e.what();
        EXPECT_NE(what.find("0002_column.sql"), std::string::npos) << what;
        EXPECT_NE(what.find("(pg_dump, idle in transaction)"), std::string::npos) << what;
    }
    EXPECT_EQ(db.query_value("SELECT max(version) FROM schema_migrations"), "1");
    EXPECT_EQ(db.query_value("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'"), "1");
}
