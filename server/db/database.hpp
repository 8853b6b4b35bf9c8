// The PostgreSQL side of the server: a small fixed pool of libpqxx connections and the
// threads that run blocking SQL, so HTTP I/O threads never wait on the database.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

namespace linkledger::db {

namespace net = boost::asio;

// Bounds on each pooled connection's waits, so one stuck lock cannot hold every connection
// of the pool (and with them every request that needs the database). Zero: no bound.
struct session_limits {
    std::chrono::milliseconds lock_timeout{0};
    std::chrono::milliseconds statement_timeout{0};
};

// For a transaction that takes in a sale a network or a shop sends once: it waits for the
// locks it needs however long another transaction (a large CSV import) holds them, as a 503
// would lose the message. Undone when the transaction ends.
void wait_as_long_as_needed(pqxx::transaction_base& tx);

class database {
public:
    database(std::string url, std::size_t pool_size, session_limits limits = {});
    ~database();
    database(database const&) = delete;
    database& operator=(database const&) = delete;

    // Runs `work(pqxx::connection&)` on a database thread and resumes the caller on its own
    // executor with the result (or the exception `work` threw). The result type must be
    // default-constructible. Inside a coroutine, capture locals by reference (they outlive the
    // call): g++ 12 mis-destroys temporaries with non-trivial members inside a co_await.
    template <class Work>
    auto run(Work work) -> net::awaitable<std::invoke_result_t<Work&, pqxx::connection&>>
    {
        using result = std::invoke_result_t<Work&, pqxx::connection&>;
        // Initiated by hand rather than as a coroutine that takes `work`: g++ 12 miscompiles
        // coroutines whose parameters are lambdas with non-trivial captures (double free).
        return net::async_initiate<decltype(net::use_awaitable), void(std::exception_ptr, result)>(
            [this](auto handler, Work work) {
                queued_.fetch_add(1, std::memory_order_relaxed);
                net::post(threads_, [this, work = std::move(work),
                                     handler = std::move(handler)]() mutable {
                    queued_.fetch_sub(1, std::memory_order_relaxed);
                    std::exception_ptr failure;
                    result value{};
                    try {
                        auto lease = acquire();
                        value = lease.use(work);
                    } catch (...) {
                        failure = std::current_exception();
                    }
                    auto executor = net::get_associated_executor(handler);
                    net::dispatch(executor, [handler = std::move(handler), failure,
                                             value = std::move(value)]() mutable {
                        std::move(handler)(failure, std::move(value));
                    });
                });
            },
            net::use_awaitable, std::move(work));
    }

    // Runs `work` on the calling thread with a pooled connection (for start-up and CLI code).
    template <class Work>
    auto run_blocking(Work work) -> std::invoke_result_t<Work&, pqxx::connection&>
    {
        auto lease = acquire();
        return lease.use(work);
    }

    // True when a trivial query succeeds within the connection's limits (false, never an
    // exception, when it does not): what /readyz reports.
    net::awaitable<bool> reachable();

    // Waits for queued work to finish and joins the database threads.
    void stop();

    std::string const& url() const { return url_; }

    // How the pool is used right now, for metrics. `waiting` counts queries queued for a
    // database thread: staying above zero means the pool is too small for the load.
    struct usage {
        std::size_t size = 0;
        std::size_t in_use = 0;
        std::size_t open = 0; // connected, idle or leased
        std::size_t waiting = 0;
    };
    usage pool_usage() const;

private:
    class lease {
    public:
        lease(database& owner, std::unique_ptr<pqxx::connection> conn)
            : owner_(owner), conn_(std::move(conn))
        {
        }
        lease(lease const&) = delete;
        lease& operator=(lease const&) = delete;
        ~lease() { owner_.release(std::move(conn_)); }

        template <class Work>
        decltype(auto) use(Work& work)
        {
            if (!conn_ || !conn_->is_open())
                conn_ = owner_.connect();
            return work(*conn_);
        }

    private:
        database& owner_;
        std::unique_ptr<pqxx::connection> conn_;
    };

    lease acquire();
    void release(std::unique_ptr<pqxx::connection> conn);
    std::unique_ptr<pqxx::connection> connect() const;

    std::string url_;
    std::size_t pool_size_;
    session_limits limits_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::atomic<std::size_t> queued_{0};
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    std::size_t leased_ = 0;
    net::thread_pool threads_;
};

} // namespace linkledger::db
