// The loopback webhook receiver of tests/webhooks/receiver.mjs, run with Node: signatures are
// checked there by the reference implementation (npm standardwebhooks), not by our code.
#pragma once

#include <boost/json/array.hpp>

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace linkledger::testing {

class webhook_receiver {
public:
    webhook_receiver();
    ~webhook_receiver();
    webhook_receiver(webhook_receiver const&) = delete;
    webhook_receiver& operator=(webhook_receiver const&) = delete;

    unsigned short port() const { return port_; }
    std::string url(std::string const& path) const;
    void set_secrets(std::vector<std::string> const& secrets) const;
    // Every request received so far: {path, attempt, webhook_id, webhook_timestamp,
    // webhook_signature, verified: [bool per secret], body, ...}.
    boost::json::array log() const;
    void clear() const;
    // Waits until `count` requests arrived (the log's size), or the timeout; returns the log.
    boost::json::array wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

// Runs `npm ci` in tests/webhooks when its node_modules is missing.
void install_receiver_packages();

} // namespace linkledger::testing
