#include "events/retry_schedule.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

#include <time.h>

namespace linkledger::events {

using namespace std::chrono_literals;

retry_schedule::retry_schedule()
    : delays_{5s, 5min, 30min, 2h, 5h, 10h, 14h, 20h, 24h}
{
}

retry_schedule retry_schedule::parse(std::string_view text)
{
    retry_schedule out;
    out.delays_.clear();
    while (!text.empty()) {
        auto const comma = text.find(',');
        auto const item = text.substr(0, comma);
        long seconds = 0;
        auto const [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), seconds);
        if (item.empty() || ec != std::errc{} || ptr != item.data() + item.size() || seconds < 0 ||
            seconds > 7 * 24 * 3600)
            throw std::invalid_argument("a retry schedule is delays in seconds, comma separated");
        out.delays_.emplace_back(seconds);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return out;
}

std::optional<std::chrono::milliseconds> retry_schedule::next_delay(
    int attempts, std::optional<std::chrono::seconds> retry_after, double unit) const
{
    if (attempts < 1 || attempts > static_cast<int>(delays_.size()))
        return std::nullopt;
    auto const base = std::chrono::duration<double, std::milli>(delays_[static_cast<std::size_t>(attempts - 1)]);
    auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(base.count() * (0.8 + 0.4 * unit)));
    if (retry_after)
        delay = std::max<std::chrono::milliseconds>(delay, std::min<std::chrono::seconds>(*retry_after, 24h));
    return delay;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now)
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;
    long long seconds = 0;
    auto const [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && ptr == value.data() + value.size())
        return seconds < 0 ? std::nullopt : std::optional(std::chrono::seconds(std::min(seconds, 1LL << 40)));
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    std::tm tm{};
    std::string const text(value);
    char const* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0')
        return std::nullopt;
    auto const at = ::timegm(&tm);
    return std::chrono::seconds(std::max<std::time_t>(0, at - now));
}

} // namespace linkledger::events
