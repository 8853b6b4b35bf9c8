// One webhook POST over HTTP(S), on the sender's own io_context (never the server's I/O
// threads). What it guarantees, whatever the receiver does:
//  - one deadline for the whole attempt (resolve, connect, TLS, write, read: 10 s by default),
//    so a receiver that hangs, answers slowly, sends 10 MB or never closes holds one sender
//    slot for at most that long; at most 64 KB of the answer is read, 1 KB kept, and an answer
//    not read whole (cut, or unfinished at the deadline) is a failure whatever its status;
//  - the host is resolved here, at send time, and every address it resolves to is judged by
//    address_policy before any connection (DNS rebinding cannot slip a private address past a
//    check made at creation); the connection goes to those checked addresses, never to a
//    second resolution;
//  - HTTPS verifies the certificate chain against the system CA store (OpenSSL's default
//    paths, so SSL_CERT_FILE / SSL_CERT_DIR replace it) and the host name (OpenSSL's own
//    check, so a mismatch is named as such in the delivery log), and sends SNI; http:// is
//    refused unless private addresses are allowed (tests, a LAN);
//  - redirects are not followed: a 3xx is an answer like any other non-2xx;
//  - keep-alive: a connection whose answer was read whole, without `Connection: close`, is
//    kept for the next delivery to the same origin (connection_pool: at most 8 open, 30 s
//    idle). A kept connection that turns out closed by the receiver before any byte of an
//    answer came back (its keep-alive timeout raced our request) is not a failure: the
//    delivery goes out once more on a new connection, resolved and checked again, within the
//    same deadline. The receiver may then see it twice, with one webhook-id, as after any
//    retry.
#pragma once

#include "events/connection_pool.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace linkledger::events {

struct post_result {
    std::optional<int> status;         // nothing: no HTTP answer
    std::string body_head;             // the first 1 KB of the answer
    std::optional<std::string> retry_after;
    std::string error;                 // why there was no (complete) answer
    bool refused = false;              // the address (or scheme) was not allowed
    bool reused_connection = false;    // sent on a kept-alive connection
    std::chrono::milliseconds latency{0};
};

class webhook_client {
public:
    webhook_client(bool allow_private, std::chrono::milliseconds timeout, std::size_t max_connections = 8,
                   std::chrono::milliseconds idle_limit = std::chrono::seconds(30));

    boost::asio::awaitable<post_result> post(std::string url, std::string body,
                                             std::vector<std::pair<std::string, std::string>> headers);

    // On the client's io thread: close the connections idle past the limit, or all idle ones
    // (before stopping, so no socket outlives the sender).
    void close_expired() { pool_.close_expired(); }
    void close_idle() { pool_.close_all(); }

private:
    bool allow_private_;
    std::chrono::milliseconds timeout_;
    boost::asio::ssl::context tls_;
    connection_pool pool_;
};

} // namespace linkledger::events
