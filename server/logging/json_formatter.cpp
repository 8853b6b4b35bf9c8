#include "logging/json_formatter.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace linkledger::logging {
namespace {

bool is_key(std::string_view word)
{
    if (word.empty() || !((word[0] >= 'a' && word[0] <= 'z') || word[0] == '_'))
        return false;
    for (char const c : word)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

// Numbers stay numbers so collectors can aggregate them (latency_ms, status).
boost::json::value typed(std::string_view text)
{
    std::int64_t whole = 0;
    auto const* end = text.data() + text.size();
    if (auto [ptr, ec] = std::from_chars(text.data(), end, whole); ec == std::errc{} && ptr == end)
        return whole;
    double real = 0;
    if (auto [ptr, ec] = std::from_chars(text.data(), end, real, std::chars_format::fixed);
        ec == std::errc{} && ptr == end && std::isfinite(real))
        return real;
    return boost::json::string(text);
}

// These names are the line's own; a message field of the same name does not replace them.
bool reserved(std::string_view key)
{
    return key == "time" || key == "level" || key == "message";
}

} // namespace

std::string quoted(std::string_view text)
{
    auto const is_control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
    if (text.find_first_of(" \"\\") == std::string_view::npos && std::none_of(text.begin(), text.end(), is_control))
        return std::string(text); // one word already, and easier to read
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char const c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        // A newline would start a forged line in the plain-text log.
        out += is_control(c) ? '?' : c;
    }
    out += '"';
    return out;
}

std::string json_line(std::string_view time, std::string_view level, std::string_view message)
{
    boost::json::object line;
    line["time"] = time;
    line["level"] = level;
    line["message"] = message;
    std::size_t start = 0;
    while (start < message.size()) {
        auto end = message.find(' ', start);
        if (end == std::string_view::npos)
            end = message.size();
        auto const word = message.substr(start, end - start);
        auto const eq = word.find('=');
        auto const key = eq == std::string_view::npos ? std::string_view{} : word.substr(0, eq);
        if (!is_key(key)) {
            start = end + 1;
            continue;
        }
        bool quoted_value = false;
        if (eq + 1 < word.size() && word[eq + 1] == '"') {
            // A quoted value runs to its closing quote, spaces included (see quoted()). One
            // that is never closed, or whose quote is not followed by a space, is not ours: it
            // stays an ordinary word, so a client's stray quote cannot swallow later fields.
            std::string value;
            auto i = start + eq + 2;
            for (; i < message.size() && message[i] != '"'; ++i) {
                if (message[i] == '\\' && i + 1 < message.size())
                    ++i;
                value += message[i];
            }
            quoted_value = i < message.size() && (i + 1 == message.size() || message[i + 1] == ' ');
            if (quoted_value && !reserved(key))
                line[key] = value;
            if (quoted_value)
                end = i + 1;
        }
        if (!quoted_value && !reserved(key))
            line[key] = typed(word.substr(eq + 1));
        start = end + 1;
    }
    return boost::json::serialize(line);
}

void json_formatter::format(spdlog::details::log_msg const& msg, spdlog::memory_buf_t& dest)
{
    auto const since_epoch = msg.time.time_since_epoch();
    auto const seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    auto const millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    std::time_t const t = seconds.count();
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    char time[40];
    auto const n = std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(time + n, sizeof time - n, ".%03dZ", static_cast<int>(millis));
    auto const level = spdlog::level::to_string_view(msg.level);
    auto const line = json_line(time, std::string_view(level.data(), level.size()),
                                std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> json_formatter::clone() const
{
    return std::make_unique<json_formatter>();
}

} // namespace linkledger::logging
