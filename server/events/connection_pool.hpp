// Keep-alive for webhook deliveries: the connections whose last answer was read whole, kept
// idle per origin (scheme, host, port) so the next delivery to that receiver skips the
// resolve, connect and TLS handshake, and the receiver its accept. On the sender's io thread
// only (no locking).
//
// Invariants:
//  - at most `capacity` connections are open at once, idle ones and those in use together
//    (the sender's 8 slots): opening one more first closes the oldest idle connection;
//  - a connection is idle for at most `idle_limit` (30 s): older ones are closed when taken
//    and by close_expired(), which the sender calls every few seconds;
//  - a connection is handed out only if the receiver has neither closed it nor sent anything
//    since its last answer (a non-blocking peek at the socket); the SSRF check made when it
//    was opened still holds for it, since it stays connected to that checked address.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace linkledger::events {

struct webhook_connection {
    std::string origin;
    // One of the two: plain HTTP, or HTTPS over a TCP stream.
    std::unique_ptr<boost::beast::tcp_stream> plain;
    std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;
    std::chrono::steady_clock::time_point idle_since{};

    boost::beast::tcp_stream& tcp();
    void close();
};

class connection_pool {
public:
    connection_pool(std::size_t capacity, std::chrono::milliseconds idle_limit);

    // An idle connection to `origin` that still looks open, counted as in use; nothing when
    // there is none.
    std::optional<webhook_connection> take(std::string const& origin);
    // A connection is about to be opened: counted as in use, after closing the oldest idle one
    // if that keeps the total within capacity.
    void opening();
    // A connection in use ends: kept idle when `reusable`, closed otherwise.
    void release(webhook_connection c, bool reusable);
    void close_expired();
    void close_all();

    std::size_t idle() const { return idle_.size(); }
    std::size_t in_use() const { return in_use_; }

private:
    std::size_t capacity_;
    std::chrono::milliseconds idle_limit_;
    std::size_t in_use_ = 0;
    std::deque<webhook_connection> idle_; // oldest first
};

} // namespace linkledger::events
