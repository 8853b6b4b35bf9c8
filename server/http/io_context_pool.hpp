// One io_context per thread, each run by exactly one thread: a connection lives on one
// context for its whole life, so its handlers never need a strand or a lock (the layout of
// Asio's own "io_context per CPU" HTTP server example).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace linkledger::http {

namespace net = boost::asio;

class io_context_pool {
public:
    explicit io_context_pool(std::size_t size);

    net::io_context& context(std::size_t index) { return *contexts_.at(index); }
    // The next context, round robin, for a new connection.
    net::io_context& next();
    std::size_t size() const { return contexts_.size(); }

    // Runs every context on its own thread (the first on the caller's) until all of them have
    // run out of work after release() was called; thread i on cores[i] when cores are given
    // (cpu_affinity.hpp), the caller's thread only while it runs its context.
    void run(std::vector<int> const& cores = {});
    // Lets each context return once its remaining work (open connections) is done.
    void release();

private:
    using guard = net::executor_work_guard<net::io_context::executor_type>;
    std::vector<std::unique_ptr<net::io_context>> contexts_;
    std::vector<std::optional<guard>> guards_;
    std::atomic<std::size_t> next_{0};
};

} // namespace linkledger::http
