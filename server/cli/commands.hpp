// The one-shot commands of the command line: migrate, api-key create, user add. Each migrates
// first (a fresh database works at once) and records what it creates in the audit log, in the
// creation's own transaction, as the operating-system account that ran it. Exit codes: 0 done,
// 1 refused or failed, 2 a bad value.
#pragma once

#include "config/config.hpp"
#include "db/database.hpp"

#include <string>

namespace linkledger::cli {

// Applies the migrations not applied yet, each logged; `serve` runs it before anything else.
int migrate_database(db::database& database);

// Prints the new key once: it is stored only as a hash.
int create_api_key(config::config const& settings, std::string const& name);

// The password is read from standard input when it is not a terminal; otherwise (or when the
// input is empty) one is generated and printed once.
int add_user(config::config const& settings, std::string const& email, std::string const& role);

} // namespace linkledger::cli
