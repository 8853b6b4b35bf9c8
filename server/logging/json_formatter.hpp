// LINKLEDGER_LOG_FORMAT=json: one JSON object per line, for container log collectors (Docker,
// Loki, journald): the line's time and level, then the event's message and its fields as
// typed members (log_event.hpp): a request line gives method, path, status, latency_ms.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace linkledger::logging {

class json_formatter final : public spdlog::formatter {
public:
    void format(spdlog::details::log_msg const& msg, spdlog::memory_buf_t& dest) override;
    std::unique_ptr<spdlog::formatter> clone() const override;
};

// The JSON line (without the newline) for an event whose members json_members_of() wrote.
// Anything else (a message logged through spdlog directly) becomes the line's message.
std::string json_line(std::string_view time, std::string_view level, std::string_view members);

} // namespace linkledger::logging
