#include "http/large_body_gate.hpp"

#include <algorithm>

namespace linkledger::http {

bool large_body_gate::try_take(std::string const& client_key, bool anonymous)
{
    std::lock_guard lock(mutex_);
    if (taken_ >= max_total_)
        return false;
    if (anonymous) {
        if (anonymous_taken_ >= std::max<std::size_t>(1, max_total_ / 2) || anonymous_by_client_.contains(client_key))
            return false;
        anonymous_by_client_.emplace(client_key, 1);
        ++anonymous_taken_;
    }
    ++taken_;
    return true;
}

void large_body_gate::give_back(std::string const& client_key, bool anonymous)
{
    std::lock_guard lock(mutex_);
    --taken_;
    if (anonymous) {
        anonymous_by_client_.erase(client_key);
        --anonymous_taken_;
    }
}

} // namespace linkledger::http
