// The loopback webhook receiver of tests/webhooks/receiver.mjs, run with Node: signatures are
// checked there by the reference implementation (npm standardwebhooks), not by our code.
#pragma once

#include <boost/json/array.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace linkledger::testing {

// A certificate and its key (PEM files) for a receiver that speaks HTTPS.
struct tls_files {
    std::string cert, key;
};

class webhook_receiver {
public:
    // Plain HTTP, or HTTPS with `tls` (its control routes then on a second, plain port).
    explicit webhook_receiver(std::optional<tls_files> tls = std::nullopt);
    ~webhook_receiver();
    webhook_receiver(webhook_receiver const&) = delete;
    webhook_receiver& operator=(webhook_receiver const&) = delete;

    unsigned short port() const { return port_; }
    // http://127.0.0.1:port/path, or https://localhost:port/path with TLS (a name, so the
    // certificate's name is checked and SNI is sent); `host` overrides the host.
    std::string url(std::string const& path, std::string const& host = "") const;
    void set_secrets(std::vector<std::string> const& secrets) const;
    // Every request received so far: {path, attempt, webhook_id, webhook_timestamp,
    // webhook_signature, verified: [bool per secret], body, ...}.
    boost::json::array log() const;
    void clear() const;
    // Waits until `count` requests arrived (the log's size), or the timeout; returns the log.
    boost::json::array wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

private:
    pid_t pid_ = -1;
    bool tls_ = false;
    unsigned short port_ = 0;
    unsigned short control_port_ = 0;
};

// Runs `npm ci` in tests/webhooks when its node_modules is missing.
void install_receiver_packages();

} // namespace linkledger::testing
