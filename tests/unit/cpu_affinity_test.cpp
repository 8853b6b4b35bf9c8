#include "http/cpu_affinity.hpp"

#include <gtest/gtest.h>

using linkledger::http::io_thread_cores;

TEST(cpu_affinity, one_io_thread_per_usable_core_or_none)
{
    EXPECT_EQ(io_thread_cores(2, {0, 1}), (std::vector<int>{0, 1}));
    EXPECT_EQ(io_thread_cores(2, {2, 5}), (std::vector<int>{2, 5})) << "a container's cpuset";
    EXPECT_EQ(io_thread_cores(4, {0, 1, 2, 3}), (std::vector<int>{0, 1, 2, 3}));
    // Fewer threads than cores (a second instance would crowd the same first cores), more
    // (two threads would share a core for good), one core, or cores not known: left alone.
    EXPECT_TRUE(io_thread_cores(1, {0, 1}).empty());
    EXPECT_TRUE(io_thread_cores(3, {0, 1}).empty());
    EXPECT_TRUE(io_thread_cores(1, {0}).empty());
    EXPECT_TRUE(io_thread_cores(2, {}).empty());
}
