// A PostgreSQL cluster of a test's own, for the tests that stop and start the database
// under a running server (deploy/private-postgres.sh in a temporary directory).
#pragma once

#include <string>

namespace linkledger::testing {

class private_cluster {
public:
    private_cluster();
    ~private_cluster();
    private_cluster(private_cluster const&) = delete;
    private_cluster& operator=(private_cluster const&) = delete;

    std::string const& url() const { return url_; }
    void stop();
    void start();

private:
    std::string dir_;
    std::string url_;
};

} // namespace linkledger::testing
