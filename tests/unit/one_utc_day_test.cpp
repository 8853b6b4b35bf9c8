// The test helper that keeps day-reading tests inside one UTC day (tests/support/one_utc_day.hpp),
// on instants chosen around a midnight: no clock is read, so these cases hold at any hour.
#include "one_utc_day.hpp"

#include <gtest/gtest.h>

using namespace linkledger::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

auto const k_midnight = sys_days{year{2026} / 12 / 7}; // 2026-12-07 00:00:00 UTC

milliseconds wait_at(system_clock::duration from_midnight, seconds ahead, seconds behind = 0s)
{
    return duration_cast<milliseconds>(wait_for_one_utc_day(k_midnight + from_midnight, ahead, behind));
}

} // namespace

TEST(one_utc_day, midday_needs_no_wait)
{
    EXPECT_EQ(wait_at(-12h, 120s), 0ms);
    EXPECT_EQ(wait_at(12h, 120s, 60s), 0ms);
}

TEST(one_utc_day, a_test_starting_just_before_midnight_waits_until_it_has_passed)
{
    // The case that failed: a click at 23:59:59.9 read back at 00:00:00.1.
    EXPECT_EQ(wait_at(-100ms, 120s), 100ms);
    EXPECT_EQ(wait_at(-2min, 120s), 120000ms); // the window ends on midnight itself
    EXPECT_EQ(wait_at(-2min - 1ms, 120s), 0ms); // ... and a millisecond earlier it ends before
    EXPECT_EQ(wait_at(-1s, 120s, 60s), 61000ms);
}

TEST(one_utc_day, a_test_placing_instants_before_now_waits_until_they_are_past_midnight_too)
{
    EXPECT_EQ(wait_at(0s, 120s), 0ms); // nothing behind: midnight itself starts the day
    EXPECT_EQ(wait_at(0s, 120s, 60s), 60000ms);
    EXPECT_EQ(wait_at(59s, 120s, 60s), 1000ms);
    EXPECT_EQ(wait_at(60s, 120s, 60s), 0ms);
}

TEST(one_utc_day, after_the_wait_the_whole_window_is_in_one_day)
{
    for (seconds const at : {-120s, -60s, -1s, 0s, 30s, 59s}) {
        auto const now = k_midnight + at;
        auto const resumed = now + wait_for_one_utc_day(now, 120s, 60s);
        EXPECT_EQ(floor<days>(resumed - 60s), floor<days>(resumed + 120s)) << at.count();
        EXPECT_EQ(wait_for_one_utc_day(resumed, 120s, 60s), system_clock::duration::zero()) << at.count();
    }
}
