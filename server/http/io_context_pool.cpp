#include "http/io_context_pool.hpp"

#include "http/cpu_affinity.hpp"
#include "logging/thread_name.hpp"

#include <boost/asio/post.hpp>

#include <string>
#include <thread>

namespace linkledger::http {

io_context_pool::io_context_pool(std::size_t size)
{
    for (std::size_t i = 0; i < std::max<std::size_t>(1, size); ++i) {
        // A concurrency hint of 1: each context is only ever run by one thread.
        contexts_.push_back(std::make_unique<net::io_context>(1));
        guards_.emplace_back(net::make_work_guard(*contexts_.back()));
    }
}

net::io_context& io_context_pool::next()
{
    return *contexts_[next_++ % contexts_.size()];
}

void io_context_pool::run(std::vector<int> const& cores)
{
    bool const pinned = cores.size() == contexts_.size();
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < contexts_.size(); ++i)
        threads.emplace_back([this, i, pinned, &cores] {
            logging::name_this_thread(("ll-io-" + std::to_string(i)).c_str());
            if (pinned)
                keep_this_thread_on(cores[i]);
            contexts_[i]->run();
        });
    // The caller's thread goes back to every core once its context is done: what it starts
    // during shutdown must not be kept on one.
    thread_affinity const before;
    if (pinned)
        keep_this_thread_on(cores[0]);
    contexts_[0]->run();
    if (pinned)
        before.restore();
}

void io_context_pool::release()
{
    for (std::size_t i = 0; i < contexts_.size(); ++i)
        net::post(*contexts_[i], [this, i] { guards_[i].reset(); });
}

} // namespace linkledger::http
