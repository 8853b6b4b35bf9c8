#include "http/large_body_gate.hpp"

#include <algorithm>

namespace linkledger::http {

bool large_body_gate::try_take(std::string const& client_key, bool anonymous)
{
    std::lock_guard lock(mutex_);
    if (taken_ >= max_total_)
        return false;
    if (anonymous) {
        if (anonymous_clients_.size() >= std::max<std::size_t>(1, max_total_ / 2) ||
            !anonymous_clients_.insert(client_key).second)
            return false;
    }
    ++taken_;
    return true;
}

void large_body_gate::give_back(std::string const& client_key, bool anonymous)
{
    std::lock_guard lock(mutex_);
    --taken_;
    if (anonymous)
        anonymous_clients_.erase(client_key);
}

} // namespace linkledger::http
