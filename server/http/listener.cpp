#include "http/listener.hpp"

#include "http/session.hpp"
#include "logging/logging.hpp"

#include <boost/asio/as_tuple.hpp>

#include <sys/resource.h>

namespace linkledger::http {
namespace {

constexpr auto k_use = net::as_tuple(net::use_awaitable);

} // namespace

std::size_t fit_connections_to_fd_limit(std::size_t wanted)
{
    // Descriptors besides client sockets: the journal, the database pool and its listener,
    // the shipper, log files, the acceptor, and headroom for what a library opens.
    constexpr rlim_t k_reserve = 256;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return wanted;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || wanted == 0 || wanted + k_reserve <= limit.rlim_cur)
        return wanted;
    auto const fits = static_cast<std::size_t>(limit.rlim_cur > 2 * k_reserve ? limit.rlim_cur - k_reserve
                                                                            : limit.rlim_cur / 2);
    logging::warn("max connections lowered from {wanted} to {max_connections}: the open-file limit is {open_files} "
                  "(raise it with ulimit -n or LimitNOFILE=)",
                  {{"wanted", wanted}, {"max_connections", fits}, {"open_files", static_cast<std::uint64_t>(limit.rlim_cur)}});
    return fits;
}

listener::listener(io_context_pool& pool, router const& routes, listener_options options)
    : pool_(pool), routes_(routes), options_(std::move(options)), acceptor_(pool.context(0)),
      large_bodies_(std::make_shared<large_body_gate>(options_.max_large_bodies))
{
}

listener::~listener()
{
    *alive_ = false;
}

void listener::open()
{
    auto const address = net::ip::make_address(options_.host);
    net::ip::tcp::endpoint const endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    bound_port_ = acceptor_.local_endpoint().port();
}

void listener::start()
{
    net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);
}

net::awaitable<void> listener::accept_loop()
{
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(pool_.next(), k_use);
        if (ec == net::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            // Running out of file descriptors must not end the accept loop for good.
            logging::warn("accept failed: {error}", {{"error", ec.message()}});
            net::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(k_use);
            continue;
        }
        bool over_cap = false;
        std::shared_ptr<connection> conn;
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                continue;
            over_cap = options_.max_connections > 0 && connections_.size() >= options_.max_connections;
            if (!over_cap) {
                conn = std::make_shared<connection>(std::move(socket));
                conn->id = next_id_++;
                connections_[conn->id] = conn;
            }
        }
        if (over_cap) {
            // Closed before reading a byte: the descriptor is back at once, so a flood of
            // connections can never starve the journal or the database of descriptors.
            boost::system::error_code ignored;
            socket.close(ignored);
            ++rejected_connections_;
            auto const now = std::chrono::steady_clock::now();
            if (now - last_rejection_log_ >= std::chrono::seconds(10)) {
                last_rejection_log_ = now;
                logging::warn("connection cap reached max_connections={max_connections} rejected={rejected}: new "
                              "connections are closed",
                              {{"max_connections", options_.max_connections}, {"rejected", rejected_connections_.load()}});
            }
            continue;
        }
        auto executor = conn->stream.get_executor();
        net::co_spawn(executor, serve(std::move(conn)), [](std::exception_ptr escaped) {
            if (!escaped)
                return;
            // The session has forgotten its connection on the way out; only the cause is left.
            try {
                std::rethrow_exception(escaped);
            } catch (std::exception const& e) {
                logging::error("a connection ended on an unexpected error: {error}", {{"error", e.what()}});
            } catch (...) {
                logging::error("a connection ended on an unexpected error");
            }
        });
    }
}

net::awaitable<std::optional<listener::large_body_turn>> listener::wait_for_large_body_turn(connection& conn,
                                                                                           std::string const& client,
                                                                                           bool anonymous)
{
    auto const give_up = std::chrono::steady_clock::now() + options_.large_body_wait;
    auto key = bucket_key(client);
    for (;;) {
        if (large_bodies_->try_take(key, anonymous)) {
            // Debug only: tests wait for it rather than guess how long the server takes.
            logging::debug("large body turn taken client={client} anonymous={anonymous}",
                           {{"client", key}, {"anonymous", anonymous}});
            co_return large_body_turn(large_bodies_, std::move(key), anonymous);
        }
        auto const now = std::chrono::steady_clock::now();
        if (now >= give_up || conn.closing)
            co_return std::nullopt;
        // A short poll rather than a queue: turns are given back on other threads, the waiters
        // are few (large uploads), and a turn lasts far longer than the poll.
        net::steady_timer pause(conn.stream.get_executor(),
                                std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(20), give_up - now));
        co_await pause.async_wait(k_use);
    }
}

std::size_t listener::open_connections() const
{
    std::lock_guard lock(mutex_);
    return connections_.size();
}

void listener::forget(std::uint64_t id)
{
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (stopping_ && connections_.empty() && grace_timer_)
        grace_timer_->cancel();
}

net::awaitable<void> listener::serve(std::shared_ptr<connection> conn)
{
    session s(*this, std::move(conn));
    co_await s.run();
}

void listener::shutdown()
{
    std::vector<std::shared_ptr<connection>> open_connections;
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        stopping_ = true;
        for (auto const& [id, weak] : connections_)
            if (auto conn = weak.lock())
                open_connections.push_back(std::move(conn));
    }
    net::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
    });
    for (auto& conn : open_connections) {
        net::post(conn->stream.get_executor(), [conn] {
            conn->closing = true;
            // An idle keep-alive connection is only waiting for a next request: close it now.
            if (!conn->busy)
                conn->stream.cancel();
        });
    }
    std::lock_guard lock(mutex_);
    if (connections_.empty())
        return;
    grace_timer_ = std::make_unique<net::steady_timer>(pool_.context(0), options_.shutdown_grace);
    grace_timer_->async_wait([this](boost::system::error_code ec) {
        if (ec)
            return;
        logging::warn("shutdown grace period over: closing the remaining connections");
        std::lock_guard lock(mutex_);
        for (auto const& [id, weak] : connections_)
            if (auto conn = weak.lock())
                net::post(conn->stream.get_executor(), [conn] { conn->stream.cancel(); });
    });
}

} // namespace linkledger::http
