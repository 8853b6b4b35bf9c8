#include "db/migrator.hpp"

#include "crypto/digest.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>
#include <map>

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

migration_report migrate(pqxx::connection& conn, std::vector<migration_source> const& migrations)
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
        pqxx::work tx(conn);
        tx.exec(std::string(m.sql));
        tx.exec_params(k_insert_applied, version, std::string(m.name), checksum);
        tx.commit();
        report.applied.emplace_back(m.name);
    }
    report.schema_version = wanted.empty() ? 0 : wanted.rbegin()->first;
    return report;
}

} // namespace linkledger::db
