#include "http/large_body_gate.hpp"

namespace linkledger::http {

bool large_body_gate::try_take(std::string const& client_key)
{
    std::lock_guard lock(mutex_);
    if (taken_ >= max_total_)
        return false;
    auto& mine = by_client_[client_key];
    if (mine >= max_per_client_) {
        if (mine == 0)
            by_client_.erase(client_key);
        return false;
    }
    ++mine;
    ++taken_;
    return true;
}

void large_body_gate::give_back(std::string const& client_key)
{
    std::lock_guard lock(mutex_);
    auto const it = by_client_.find(client_key);
    if (it == by_client_.end())
        return;
    --taken_;
    if (--it->second == 0)
        by_client_.erase(it);
}

} // namespace linkledger::http
