// The HTTP server: accepts connections, runs one coroutine session per connection on one
// io_context of the pool, enforces header/body/time limits, logs each request, and shuts down gracefully.
#pragma once

#include "http/io_context_pool.hpp"
#include "http/large_body_gate.hpp"
#include "http/rate_limiter.hpp"
#include "http/request_observer.hpp"
#include "http/router.hpp"
#include "http/trusted_proxies.hpp"
#include "http/types.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace linkledger::http {

// What must reach the kernel before a reply leaves: the clicks this thread has staged.
struct reply_barrier {
    std::function<bool()> pending;
    std::function<void()> flush;
};

// A body larger than this is a large one: only a few are read at once across the server, so a
// crowd of uploads (each may be up to a route's limit, 16 MiB for a CSV import) cannot take
// the memory. Smaller bodies, and requests without one (every redirect), never wait for a turn.
inline constexpr std::size_t k_large_body_bytes = 64 * 1024;
// What a connection buffers of a request not yet parsed: a whole head (target and fields, at
// most 16 KiB), or a chunk's size line and the trailer; a body passes through it to the parser.
inline constexpr std::size_t k_max_buffered_bytes = 64 * 1024;

struct listener_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::chrono::seconds request_timeout{15};
    std::chrono::seconds shutdown_grace{10};
    std::optional<reply_barrier> before_reply;
    // Peers whose X-Forwarded-For names the client; nobody by default.
    trusted_proxies proxies;
    // Connections served at once; past it new ones are closed as soon as accepted (0: no cap).
    std::size_t max_connections = 10000;
    // Per-client token buckets by route class; none: nothing is rate limited.
    rate_limiter* limiter = nullptr;
    // Asked once the local bucket admits a limited request: the same buckets shared by every
    // instance and kept across restarts (auth/shared_rate_limiter); 0 admits, else the seconds
    // to wait. Unset: the local buckets alone. Redirects are never limited, so never asked.
    std::function<net::awaitable<std::uint32_t>(route_class, std::string const& client)> shared_admit;
    // Told of each request answered 429 (its class, client and target), after the answer is
    // decided: must be quick and must not throw (money/rate_limited_intake counts them for the
    // audit log). Unset: only the metric counts them.
    std::function<void(route_class, std::string const& client, std::string_view target)> rate_limited;
    // How long a connection may stay silent before its next request begins; request_timeout
    // then bounds the request itself.
    std::chrono::seconds idle_timeout{5};
    // Large bodies (over k_large_body_bytes) read and handled at once (http/large_body_gate: an
    // anonymous one gets one per client and half of them at most); a request past it waits up
    // to `large_body_wait` for a turn, then gets 503 without its body being read.
    std::size_t max_large_bodies = 4;
    std::chrono::milliseconds large_body_wait{2000};
};

// Raises this process's open-file limit to its hard limit and returns the connection cap that
// fits in it, with room for the journal, the database pool and the rest (logged when lowered).
std::size_t fit_connections_to_fd_limit(std::size_t wanted);

class listener {
public:
    listener(io_context_pool& pool, router const& routes, listener_options options);
    // Sessions still suspended when their io_context is destroyed (after this) must not
    // reach back into it: they are told it is gone.
    ~listener();

    // Binds and listens; throws boost::system::system_error naming the address on failure.
    void open();
    std::uint16_t bound_port() const { return bound_port_; }

    // Tells `observer` of every answered request from now on; call before start().
    void set_observer(request_observer* observer) { observer_ = observer; }

    std::size_t open_connections() const;
    // Connections closed at once because max_connections were open.
    std::uint64_t rejected_connections() const { return rejected_connections_; }

    // Starts accepting on the io_context.
    void start();

    // Stops accepting, closes idle connections, lets in-flight requests finish and then
    // closes their connections; after `shutdown_grace` the remaining ones are cut.
    void shutdown();

private:
    struct connection;
    class large_body_turn;
    class session;
    net::awaitable<void> accept_loop();
    // A turn to read a large body, waiting for one up to large_body_wait; nothing when none came.
    net::awaitable<std::optional<large_body_turn>> wait_for_large_body_turn(connection& conn,
                                                                           std::string const& client, bool anonymous);
    net::awaitable<void> serve(std::shared_ptr<connection> conn);
    void forget(std::uint64_t id);

    io_context_pool& pool_;
    router const& routes_;
    listener_options options_;
    request_observer* observer_ = nullptr;
    net::ip::tcp::acceptor acceptor_;
    std::uint16_t bound_port_ = 0;

    mutable std::mutex mutex_;
    std::atomic<std::uint64_t> rejected_connections_{0};
    // Shared with each turn: a session's frame may outlive the listener at shutdown.
    std::shared_ptr<large_body_gate> large_bodies_;
    std::chrono::steady_clock::time_point last_rejection_log_{}; // accept loop only
    bool stopping_ = false;
    std::uint64_t next_id_ = 0;
    std::unordered_map<std::uint64_t, std::weak_ptr<connection>> connections_;
    std::unique_ptr<net::steady_timer> grace_timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace linkledger::http
