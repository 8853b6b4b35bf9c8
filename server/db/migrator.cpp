#include "db/migrator.hpp"

#include "crypto/digest.hpp"
#include "logging/logging.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>
#include <map>
#include <thread>

namespace linkledger::db {
namespace {

// Any fixed number works as long as every Linkledger process uses the same one.
constexpr long long k_migration_lock_key = 0x4c4c4d4947524154; // "LLMIGRAT"

constexpr char const* k_create_table = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))sql";

constexpr char const* k_select_applied = "SELECT version, name, checksum FROM schema_migrations";
constexpr char const* k_insert_applied =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

// Sessions of this database in a transaction for more than a second that hold a table lock: who
// a migration is likely waiting for, named in the log ("pid 812 (pg_dump, active)"). A role
// without pg_read_all_stats sees no xact_start of other roles' sessions: "none found".
constexpr char const* k_lock_holders = R"sql(
SELECT COALESCE(string_agg(DISTINCT format('pid %s (%s, %s)', a.pid,
                                           COALESCE(NULLIF(a.application_name, ''), 'no application name'),
                                           a.state), ', '), 'none found')
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.locktype = 'relation' AND a.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND a.xact_start < now() - interval '1 second'
)sql";

struct applied_migration {
    std::string name;
    std::string checksum;
};

// Holds the session-level advisory lock for its lifetime, and releases it even on error.
class advisory_lock {
public:
    explicit advisory_lock(pqxx::connection& conn) : conn_(conn)
    {
        pqxx::nontransaction tx(conn_);
        tx.exec_params("SELECT pg_advisory_lock($1)", k_migration_lock_key);
    }
    advisory_lock(advisory_lock const&) = delete;
    advisory_lock& operator=(advisory_lock const&) = delete;
    ~advisory_lock()
    {
        try {
            pqxx::nontransaction tx(conn_);
            tx.exec_params("SELECT pg_advisory_unlock($1)", k_migration_lock_key);
        } catch (...) {
            // The lock dies with the session anyway when the connection is gone.
        }
    }

private:
    pqxx::connection& conn_;
};

std::string lock_holders(pqxx::connection& conn)
{
    try {
        pqxx::nontransaction tx(conn);
        return tx.exec1(k_lock_holders)[0].as<std::string>();
    } catch (std::exception const&) {
        return "unknown"; // the wait is what to report, not this lookup
    }
}

// One transaction per migration, as ever; only its lock waits are bounded, and a try that runs
// out of time is rolled back whole and made again.
void apply_waiting_for_locks(pqxx::connection& conn, int version, migration_source const& m,
                             std::string const& checksum, migrate_options const& options)
{
    using namespace std::chrono;
    auto const started = steady_clock::now();
    // 0 would be no timeout at all to PostgreSQL.
    auto const lock_timeout = std::max(options.lock_timeout, milliseconds(1));
    milliseconds pause = std::clamp<milliseconds>(lock_timeout, milliseconds(100), seconds(1));
    for (;;) {
        try {
            pqxx::work tx(conn);
            // A migration rewriting a large table may run for minutes, whatever statement_timeout
            // the role or the database sets.
            tx.exec_params("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', '0', true)",
                           std::to_string(lock_timeout.count()) + "ms");
            tx.exec(std::string(m.sql));
            tx.exec_params(k_insert_applied, version, std::string(m.name), checksum);
            tx.commit();
            return;
        } catch (pqxx::sql_error const& e) {
            if (e.sqlstate() != "55P03") // lock_not_available
                throw;
        }
        auto const waited = duration_cast<milliseconds>(steady_clock::now() - started);
        if (waited >= options.give_up_after)
            throw migration_error("migration " + std::string(m.name) + " could not take the locks it needs in " +
                                  std::to_string(duration_cast<seconds>(waited).count()) +
                                  " s: other sessions hold them (" + lock_holders(conn) +
                                  "; a backup's pg_dump holds a lock on every table until it ends). Nothing of "
                                  "it was applied; start again once they are done");
        auto const sleep = std::min(pause, options.give_up_after - waited);
        logging::warn("migration {name} waits for a lock other sessions hold ({holders}); trying again in {ms} ms",
                      {{"name", std::string(m.name)}, {"holders", lock_holders(conn)}, {"ms", sleep.count()}});
        std::this_thread::sleep_for(sleep);
        // The app serves nothing until its migrations are done: short enough a pause that it
        // starts soon after the holder ends, long enough that other instances' queries on the
        // table get through between tries.
        pause = std::min<milliseconds>(pause * 2, seconds(10));
    }
}

} // namespace

int migration_version(std::string_view name)
{
    int version = 0;
    auto const [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
    if (ec != std::errc{} || ptr == name.data() || ptr == name.data() + name.size() ||
        *ptr != '_' || version <= 0)
        throw migration_error("migration file name must look like 0001_name.sql, got '" +
                              std::string(name) + "'");
    return version;
}

migration_report migrate(pqxx::connection& conn, std::vector<migration_source> const& migrations,
                         migrate_options const& options)
{
    std::map<int, migration_source> wanted;
    for (auto const& m : migrations) {
        auto const [it, inserted] = wanted.emplace(migration_version(m.name), m);
        if (!inserted)
            throw migration_error("two migrations share version " + std::to_string(it->first) +
                                  ": " + std::string(it->second.name) + " and " +
                                  std::string(m.name));
    }

    advisory_lock lock(conn);
    {
        pqxx::work tx(conn);
        tx.exec(k_create_table);
        tx.commit();
    }

    std::map<int, applied_migration> applied;
    {
        pqxx::nontransaction tx(conn);
        for (auto const& row : tx.exec(k_select_applied))
            applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
    }

    migration_report report;
    if (!applied.empty() && (wanted.empty() || applied.rbegin()->first > wanted.rbegin()->first))
        throw migration_error(
            "the database schema is at version " + std::to_string(applied.rbegin()->first) +
            " (" + applied.rbegin()->second.name + "), newer than this linkledger knows (" +
            std::to_string(wanted.empty() ? 0 : wanted.rbegin()->first) +
            "): run the newer linkledger, or restore a backup taken before the upgrade");

    for (auto const& [version, m] : wanted) {
        auto const checksum = crypto::sha256_hex(m.sql);
        if (auto const it = applied.find(version); it != applied.end()) {
            if (it->second.checksum != checksum)
                throw migration_error("migration " + std::string(m.name) +
                                      " was changed after it was applied (checksum " +
                                      it->second.checksum.substr(0, 12) + "... in the database, " +
                                      checksum.substr(0, 12) +
                                      "... in this build); add a new migration instead");
            continue;
        }
        apply_waiting_for_locks(conn, version, m, checksum, options);
        report.applied.emplace_back(m.name);
    }
    report.schema_version = wanted.empty() ? 0 : wanted.rbegin()->first;
    return report;
}

} // namespace linkledger::db
