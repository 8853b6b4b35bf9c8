#include "logging/json_formatter.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <cstdio>
#include <ctime>

namespace linkledger::logging {

std::string json_line(std::string_view time, std::string_view level, std::string_view members)
{
    std::string line = R"({"time":)";
    line += boost::json::serialize(boost::json::string(time));
    line += R"(,"level":)";
    line += boost::json::serialize(boost::json::string(level));
    // Our events start with their message member; the rest of the object follows it as is.
    if (members.starts_with(R"({"message":)") && members.ends_with('}')) {
        line += ',';
        line.append(members.substr(1));
    } else {
        line += R"(,"message":)";
        line += boost::json::serialize(boost::json::string(members));
        line += '}';
    }
    return line;
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
