// A running Linkledger for a test suite: its own scratch database, an API key made with the
// real CLI, and the real server on a free port.
#pragma once

#include "http_client.hpp"
#include "server_process.hpp"
#include "test_database.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace linkledger::testing {

class instance {
public:
    explicit instance(std::string const& label, environment extra_env = {});

    scratch_database& db() { return *db_; }
    server_process& server() { return *server_; }
    unsigned short port() const { return server_->port(); }
    std::string const& key() const { return key_; }

    http_reply api(std::string const& method, std::string const& target,
                   std::string const& body = "") const
    {
        return testing::api(port(), method, target, key_, body);
    }
    // Creates a link and returns its JSON; fails the test unless the answer is 201.
    boost::json::object create_link(std::string const& body) const;

private:
    std::unique_ptr<scratch_database> db_;
    std::string key_;
    std::unique_ptr<server_process> server_;
};

// The last non-empty line of `text`.
std::string last_line(std::string const& text);

// An API key made on `db` with the real CLI (which migrates it first); throws when the CLI fails.
std::string make_api_key(scratch_database const& db);

} // namespace linkledger::testing

namespace linkledger::testing {

// A fixture whose tests share one instance per suite (started with Suite::server_environment() when the
// suite has one). A failure to start it fails every test of the suite (rather than skipping
// them), with the reason.
template <class Suite>
class shared_instance_test : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        try {
            if constexpr (requires { Suite::server_environment(); })
                ll = new instance(Suite::k_label, Suite::server_environment());
            else
                ll = new instance(Suite::k_label);
        } catch (std::exception const& e) {
            start_error = e.what();
        }
    }
    static void TearDownTestSuite()
    {
        delete ll;
        ll = nullptr;
    }
    void SetUp() override { ASSERT_NE(ll, nullptr) << "instance did not start: " << start_error; }

    static inline instance* ll = nullptr;
    static inline std::string start_error;
};

} // namespace linkledger::testing
