// LINKLEDGER_LOG_FORMAT=json: one JSON object per line, for container log collectors (Docker,
// Loki, journald). Our messages carry their fields as `key=value` words (see STYLE.md), so
// those become top-level fields too: a request line gives method, path, status, latency_ms.
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

// The JSON line for one message (without the newline); exposed for its unit test.
std::string json_line(std::string_view time, std::string_view level, std::string_view message);

// `text` as one value of a key=value word even when it holds spaces or quotes ("a \"b\""),
// as is when it is one word already: for values a client chose, which must not split into
// fields of their own.
std::string quoted(std::string_view text);

} // namespace linkledger::logging
