// Slows password guessing: after repeated failed logins for one account, or from one IP
// address, further attempts are refused for a while (429 with Retry-After), the pause
// doubling with each failure. Kept in memory: one process serves the dashboard, and a
// restart forgetting the counts costs an attacker a restart per few guesses, not more.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace linkledger::auth {

class login_throttle {
public:
    using clock = std::chrono::steady_clock;
    struct limits {
        int free_failures = 5;          // failures allowed before any pause
        std::chrono::seconds first_pause{30};
        std::chrono::seconds longest_pause{15 * 60};
        std::chrono::seconds forget_after{60 * 60}; // quiet for this long: the count resets
    };

    login_throttle() = default;
    explicit login_throttle(limits l) : limits_(l) {}

    // Seconds to wait before `key` may try again; 0 when it may try now.
    std::chrono::seconds retry_after(std::string const& key, clock::time_point now = clock::now());
    void record_failure(std::string const& key, clock::time_point now = clock::now());
    void record_success(std::string const& key);

private:
    struct history {
        int failures = 0;
        clock::time_point last_failure;
    };
    std::chrono::seconds pause_for(int failures) const;
    void forget_old(clock::time_point now);

    limits limits_;
    std::mutex mutex_;
    std::unordered_map<std::string, history> by_key_;
};

} // namespace linkledger::auth
