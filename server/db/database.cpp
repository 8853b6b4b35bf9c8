#include "db/database.hpp"

#include <pqxx/pqxx>

namespace linkledger::db {

void wait_as_long_as_needed(pqxx::transaction_base& tx)
{
    tx.exec0("SET LOCAL lock_timeout = 0");
    tx.exec0("SET LOCAL statement_timeout = 0");
}

database::database(std::string url, std::size_t pool_size, session_limits limits)
    : url_(std::move(url)), pool_size_(pool_size), limits_(limits), threads_(pool_size)
{
}

database::~database()
{
    stop();
}

std::unique_ptr<pqxx::connection> database::connect() const
{
    auto conn = std::make_unique<pqxx::connection>(url_);
    // set_variable, not a plain SET: libpqxx reconnects a dropped connection by itself (after a
    // PostgreSQL restart) and then restores only what was set this way. Milliseconds.
    if (limits_.lock_timeout.count() > 0)
        conn->set_variable("lock_timeout", std::to_string(limits_.lock_timeout.count()));
    if (limits_.statement_timeout.count() > 0)
        conn->set_variable("statement_timeout", std::to_string(limits_.statement_timeout.count()));
    return conn;
}

database::lease database::acquire()
{
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return leased_ < pool_size_; });
    ++leased_;
    std::unique_ptr<pqxx::connection> conn;
    if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
    }
    // Connecting happens outside the lock, lazily, in lease::use: a database that is down
    // then fails the one request that needed it instead of blocking the pool.
    return lease(*this, std::move(conn));
}

database::usage database::pool_usage() const
{
    std::lock_guard lock(mutex_);
    // Leased connections are counted open: each lease connects before its work runs.
    return {pool_size_, leased_, idle_.size() + leased_, queued_.load(std::memory_order_relaxed)};
}

void database::release(std::unique_ptr<pqxx::connection> conn)
{
    {
        std::lock_guard lock(mutex_);
        --leased_;
        // A broken connection is dropped; the next lease reconnects.
        if (conn && conn->is_open())
            idle_.push_back(std::move(conn));
    }
    available_.notify_one();
}

net::awaitable<bool> database::reachable()
{
    try {
        co_return co_await run([](pqxx::connection& conn) {
            pqxx::nontransaction tx(conn);
            return tx.exec("SELECT 1")[0][0].as<int>() == 1;
        });
    } catch (std::exception const&) {
    }
    co_return false;
}

void database::stop()
{
    threads_.join();
}

} // namespace linkledger::db
