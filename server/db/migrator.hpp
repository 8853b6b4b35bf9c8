// Applies numbered SQL migrations in order, each once, in its own transaction, recorded with
// a checksum, under an advisory lock so that several processes may start at once.
#pragma once

#include "db/embedded_migrations.hpp"

#include <pqxx/connection>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace linkledger::db {

struct migration_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct migration_report {
    std::vector<std::string> applied;  // names applied by this run
    int schema_version = 0;            // highest version recorded after the run
};

// Version number of a migration file name ("0007_x.sql" -> 7); throws migration_error when
// the name does not start with digits and an underscore.
int migration_version(std::string_view name);

struct migrate_options {
    // How long one try at a migration waits for a lock before it steps out of the queue: an
    // ALTER TABLE waiting behind another session's lock (the backup's pg_dump holds one on every
    // table for the whole dump) makes every later query on that table wait behind it. At least
    // 1 ms (0 would be no timeout).
    std::chrono::milliseconds lock_timeout{std::chrono::seconds(5)};
    // Tries go on, further apart, until this long after the first; then migration_error.
    std::chrono::milliseconds give_up_after{std::chrono::minutes(10)};
};

migration_report migrate(pqxx::connection& conn, std::vector<migration_source> const& migrations,
                         migrate_options const& options = {});

} // namespace linkledger::db
