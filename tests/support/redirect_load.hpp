// Followers for fault tests: threads that follow a short link over kept-alive connections
// and remember the click id of every 302 they received, until stopped or the server goes.
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace linkledger::testing {

class redirect_load {
public:
    redirect_load(unsigned short port, std::string path, int connections);
    ~redirect_load();

    // Stops the followers and returns the click ids of all 302s they saw.
    std::set<std::string> stop();
    std::size_t redirects() const { return redirects_; }
    std::size_t failures() const { return failures_; } // answers other than 302

private:
    void follow(unsigned short port);

    std::string path_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> redirects_{0};
    std::atomic<std::size_t> failures_{0};
    std::mutex mutex_;
    std::set<std::string> click_ids_;
    std::vector<std::thread> threads_;
};

// The click id in a Location header made from a target ending in "={click_id}".
std::string click_id_of(std::string const& location);

} // namespace linkledger::testing
