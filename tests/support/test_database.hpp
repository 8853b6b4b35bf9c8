// Integration tests run against a real PostgreSQL: the cluster named by
// LINKLEDGER_TEST_DATABASE_URL (tests/run.sh starts a throw-away one). Each suite gets its own
// fresh database, dropped when the suite ends.
#pragma once

#include <chrono>
#include <string>

namespace linkledger::testing {

// The server's URL from the environment; throws with a hint when it is not set.
std::string test_cluster_url();

// `url` with its database name replaced (works for URIs and key=value conninfo).
std::string with_database(std::string const& url, std::string const& dbname);

// The first column of the first row of `sql` on `url`, as text.
std::string query_once(std::string const& url, std::string const& sql);

class scratch_database {
public:
    explicit scratch_database(std::string const& label);
    ~scratch_database();
    scratch_database(scratch_database const&) = delete;
    scratch_database& operator=(scratch_database const&) = delete;

    std::string const& url() const { return url_; }
    std::string const& name() const { return name_; }

    // Runs SQL on the scratch database and returns the first column of the first row as text
    // ("" when there is no row, "NULL" for null).
    std::string query_value(std::string const& sql) const;
    void execute(std::string const& sql) const;
    // Polls query_value until it equals `expected` (clicks reach PostgreSQL shortly after the
    // redirect, through the journal) and returns the last value seen.
    std::string wait_for_value(std::string const& sql, std::string const& expected,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

private:
    std::string name_;
    std::string url_;
};

} // namespace linkledger::testing
