// What the redirect path counts: outcomes of GET/HEAD /{slug}. Bumped inside the redirect
// itself, per thread (see sharded_counters), so the benchmarked path stays lock-free.
#pragma once

#include "metrics/sharded_counters.hpp"

namespace linkledger::metrics {

enum class redirect_outcome : std::size_t {
    click = 0,     // a 302 that counts as a click
    bot = 1,       // a 302 to a bot, previewer or HEAD: journaled, flagged, not counted
    not_found = 2, // unknown slug
    gone = 3,      // retired or deleted link
};

class redirect_metrics {
public:
    redirect_metrics() : counters_(4) {}
    void count(redirect_outcome outcome) noexcept { counters_.add(static_cast<std::size_t>(outcome)); }
    std::uint64_t total(redirect_outcome outcome) const noexcept
    {
        return counters_.sum(static_cast<std::size_t>(outcome));
    }

private:
    sharded_counters counters_;
};

} // namespace linkledger::metrics
