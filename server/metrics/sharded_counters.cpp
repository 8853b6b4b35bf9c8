#include "metrics/sharded_counters.hpp"

namespace linkledger::metrics {

namespace detail {

unsigned assign_shard() noexcept
{
    static std::atomic<unsigned> next{0};
    this_thread_shard = next.fetch_add(1, std::memory_order_relaxed) % k_shards;
    return this_thread_shard;
}

} // namespace detail

sharded_counters::sharded_counters(std::size_t count)
    : count_(count),
      lines_per_shard_((count + k_per_line - 1) / k_per_line),
      lines_(std::make_unique<line[]>(k_shards * lines_per_shard_))
{
}

std::uint64_t sharded_counters::sum(std::size_t index) const noexcept
{
    std::uint64_t total = 0;
    for (unsigned shard = 0; shard < k_shards; ++shard)
        total += slot(shard, index).load(std::memory_order_relaxed);
    return total;
}

} // namespace linkledger::metrics
