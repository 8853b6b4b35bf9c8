// Counters that many threads bump on hot paths: each thread adds to its own cache lines with
// relaxed atomics (no lock, no allocation, no contended line), and a scrape sums the shards.
// The redirect is benchmarked against nginx, so an increment must cost next to nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace linkledger::metrics {

// Threads beyond this many share shards (still correct: the adds are atomic).
inline constexpr unsigned k_shards = 16;

namespace detail {
inline constexpr unsigned k_unassigned = ~0u;
// Constant-initialised, so reading it needs no guard; assigned on a thread's first add.
inline thread_local unsigned this_thread_shard = k_unassigned;
unsigned assign_shard() noexcept;
} // namespace detail

inline unsigned current_shard() noexcept
{
    unsigned shard = detail::this_thread_shard;
    if (shard == detail::k_unassigned) [[unlikely]]
        shard = detail::assign_shard();
    return shard;
}

class sharded_counters {
public:
    // `count` counters, all zero; their number is fixed for the object's life.
    explicit sharded_counters(std::size_t count);

    void add(std::size_t index, std::uint64_t n = 1) noexcept
    {
        slot(current_shard(), index).fetch_add(n, std::memory_order_relaxed);
    }
    // The total over every thread; exact once writers are quiet, close enough while they run.
    std::uint64_t sum(std::size_t index) const noexcept;
    std::size_t size() const noexcept { return count_; }

private:
    static constexpr std::size_t k_per_line = 64 / sizeof(std::atomic<std::uint64_t>);
    struct alignas(64) line {
        std::atomic<std::uint64_t> value[k_per_line];
    };
    std::atomic<std::uint64_t>& slot(unsigned shard, std::size_t index) const noexcept
    {
        return lines_[shard * lines_per_shard_ + index / k_per_line].value[index % k_per_line];
    }

    std::size_t count_;
    std::size_t lines_per_shard_;
    std::unique_ptr<line[]> lines_;
};

} // namespace linkledger::metrics
