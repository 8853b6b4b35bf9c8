// When a failed delivery is tried again: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h
// and 24 h after each failure (ten attempts over about three days), each delay moved by up to
// ±20 % at random so endpoints that failed together are not retried together. A Retry-After
// from the receiver (seconds or an HTTP date) is honoured as a floor: never sooner than it
// asks, never sooner than the schedule either (a receiver cannot make us hammer it), and at
// most 24 h.
#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>
#include <vector>

namespace linkledger::events {

class retry_schedule {
public:
    // The standard schedule above.
    retry_schedule();
    // Delays in seconds, comma separated ("1,1,2"), for LINKLEDGER_WEBHOOK_RETRY_SCHEDULE;
    // throws std::invalid_argument on anything else.
    static retry_schedule parse(std::string_view text);

    // Attempts a delivery gets in all: the first and one per delay.
    int max_attempts() const { return static_cast<int>(delays_.size()) + 1; }

    // The wait before the next attempt after `attempts` failed ones, or nothing when none is
    // left. `unit` in [0, 1) picks the jitter (0.5 = none).
    std::optional<std::chrono::milliseconds> next_delay(int attempts,
                                                        std::optional<std::chrono::seconds> retry_after,
                                                        double unit) const;

private:
    std::vector<std::chrono::seconds> delays_;
};

// A Retry-After value: delay-seconds or an IMF-fixdate (RFC 9110 10.2.3), as seconds from `now`.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

} // namespace linkledger::events
