#include "auth/login_throttle.hpp"

#include <algorithm>

namespace linkledger::auth {

std::chrono::seconds login_throttle::pause_for(int failures) const
{
    if (failures < limits_.free_failures)
        return std::chrono::seconds(0);
    auto const doublings = std::min(failures - limits_.free_failures, 20);
    return std::min<std::chrono::seconds>(limits_.first_pause * (1ll << doublings), limits_.longest_pause);
}

std::chrono::seconds login_throttle::retry_after(std::string const& key, clock::time_point now)
{
    std::lock_guard lock(mutex_);
    auto const it = by_key_.find(key);
    if (it == by_key_.end())
        return std::chrono::seconds(0);
    auto const until = it->second.last_failure + pause_for(it->second.failures);
    if (until <= now)
        return std::chrono::seconds(0);
    // Rounded up, so a client that waits exactly that long is let in.
    return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void login_throttle::record_failure(std::string const& key, clock::time_point now)
{
    std::lock_guard lock(mutex_);
    forget_old(now);
    auto& h = by_key_[key];
    if (h.failures > 0 && now - h.last_failure > limits_.forget_after)
        h.failures = 0;
    ++h.failures;
    h.last_failure = now;
}

void login_throttle::record_success(std::string const& key)
{
    std::lock_guard lock(mutex_);
    by_key_.erase(key);
}

void login_throttle::forget_old(clock::time_point now)
{
    // Bounded memory under a spray of addresses: stale entries go on every failure.
    if (by_key_.size() < 1024)
        return;
    std::erase_if(by_key_, [&](auto const& entry) {
        return now - entry.second.last_failure > limits_.forget_after;
    });
}

} // namespace linkledger::auth
