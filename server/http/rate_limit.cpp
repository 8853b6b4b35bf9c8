#include "http/rate_limit.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace linkledger::http {

std::string rate_limit::text() const
{
    if (!enabled())
        return "0";
    char rate[32];
    auto const [end, ec] = std::to_chars(rate, rate + sizeof rate, per_second);
    (void)ec;
    return std::string(rate, end) + "/" + std::to_string(burst);
}

rate_limit parse_rate_limit(std::string_view text)
{
    if (text == "0")
        return {};
    auto const fail = [&]() -> rate_limit {
        throw std::invalid_argument("must be RATE/BURST (requests per second per client IP, "
                                    "e.g. 20/100 or 0.2/10) or 0 for no limit, got '" +
                                    std::string(text) + "'");
    };
    auto const slash = text.find('/');
    if (slash == std::string_view::npos)
        return fail();
    auto const rate_text = text.substr(0, slash);
    auto const burst_text = text.substr(slash + 1);
    rate_limit out;
    auto const rate_end = rate_text.data() + rate_text.size();
    auto const [rate_ptr, rate_ec] =
        std::from_chars(rate_text.data(), rate_end, out.per_second, std::chars_format::fixed);
    auto const burst_end = burst_text.data() + burst_text.size();
    auto const [burst_ptr, burst_ec] = std::from_chars(burst_text.data(), burst_end, out.burst);
    if (rate_text.empty() || rate_ec != std::errc{} || rate_ptr != rate_end || burst_text.empty() ||
        burst_ec != std::errc{} || burst_ptr != burst_end)
        return fail();
    if (!std::isfinite(out.per_second) || out.per_second <= 0 || out.per_second > 1e6 ||
        out.burst < 1 || out.burst > 1000000)
        throw std::invalid_argument("RATE must be above 0 and at most 1000000, BURST from 1 to "
                                    "1000000, got '" + std::string(text) + "'");
    return out;
}

} // namespace linkledger::http
