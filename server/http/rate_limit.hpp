// A token-bucket rate as operators write it: "RATE/BURST" requests per second per client
// ("20/100", "0.2/10"), or "0" for no limit. Kept free of Asio so the config can use it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace linkledger::http {

struct rate_limit {
    double per_second = 0;   // tokens added each second
    std::uint32_t burst = 0; // bucket size: requests a quiet client may send at once
    bool enabled() const { return per_second > 0 && burst > 0; }
    std::string text() const; // as parse_rate_limit() reads it back
};

// Throws std::invalid_argument saying what is wrong.
rate_limit parse_rate_limit(std::string_view text);

} // namespace linkledger::http
