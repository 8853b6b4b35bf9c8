// Keeps a test that sends something and then reads "today" back inside one UTC day.
// The server files clicks, sales, rollups, unique visitors and salts by UTC day (the test
// instances' zone). A test that sends a click at 23:59:59.9 and reads today's row at 00:00:00.1
// sees two days, and fails once a year per thousand runs for no fault of the server. Rather than
// teach every assertion about both days, such a test calls stay_in_one_utc_day() first: it
// returns at once unless a midnight falls within the window the test needs, and then waits that
// midnight out (at most ahead + behind: two minutes by default, a few times a year per test).
#pragma once

#include <chrono>
#include <iostream>
#include <thread>

namespace linkledger::testing {

// How long to wait from `now` so that the instants from `behind` before to `ahead` after the
// moment waited for all lie in one UTC day: zero unless a midnight falls within
// (now - behind, now + ahead]; then until that midnight is `behind` in the past.
inline std::chrono::system_clock::duration wait_for_one_utc_day(std::chrono::system_clock::time_point now,
                                                                  std::chrono::seconds ahead,
                                                                  std::chrono::seconds behind)
{
    auto const midnight = std::chrono::floor<std::chrono::days>(now + ahead);
    if (midnight <= now - behind)
        return std::chrono::system_clock::duration::zero();
    return midnight + behind - now;
}

// `ahead`: how long the test may take from here (generous: sanitizers on a loaded machine);
// `behind`: how far back it places instants it will read as today's.
inline void stay_in_one_utc_day(std::chrono::seconds ahead = std::chrono::seconds(120),
                                std::chrono::seconds behind = std::chrono::seconds(0))
{
    auto const wait = wait_for_one_utc_day(std::chrono::system_clock::now(), ahead, behind);
    if (wait <= std::chrono::system_clock::duration::zero())
        return;
    std::clog << "stay_in_one_utc_day: a UTC midnight is near, waiting "
              << std::chrono::duration_cast<std::chrono::milliseconds>(wait).count() << " ms for it to pass\n";
    std::this_thread::sleep_for(wait);
}

} // namespace linkledger::testing
