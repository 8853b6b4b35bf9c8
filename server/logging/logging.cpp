#include "logging/logging.hpp"

#include "logging/json_formatter.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

namespace linkledger::logging {
namespace {

// Set once by setup(), before the threads that log start.
std::atomic<bool> g_json{false};

class buffered_stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    buffered_stderr_sink()
    {
        // Fully buffered: lines reach the file or pipe in blocks, on flush.
        std::setvbuf(stderr, buffer_, _IOFBF, sizeof buffer_);
    }

protected:
    void sink_it_(spdlog::details::log_msg const& msg) override
    {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        std::fwrite(formatted.data(), 1, formatted.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

private:
    char buffer_[1 << 16];
};

} // namespace

void setup(std::string const& level, std::string const& format)
{
    static auto const sink = std::make_shared<buffered_stderr_sink>();
    auto logger = std::make_shared<spdlog::logger>("linkledger", sink);
    logger->set_level(spdlog::level::from_str(level));
    g_json = format == "json";
    if (g_json)
        logger->set_formatter(std::make_unique<json_formatter>());
    else
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    spdlog::flush_every(std::chrono::seconds(1));
}

void shutdown()
{
    spdlog::shutdown();
    std::fflush(stderr);
}

void flush()
{
    spdlog::default_logger()->flush();
}

bool enabled(spdlog::level::level_enum level)
{
    return spdlog::should_log(level);
}

void log(spdlog::level::level_enum level, message what, fields f)
{
    auto* const logger = spdlog::default_logger_raw();
    if (!logger->should_log(level))
        return;
    std::span<field const> const all(f.begin(), f.size());
    if (g_json.load(std::memory_order_relaxed)) {
        // The formatter adds the line's time and level in front of these members.
        auto const members = json_members_of(what, all);
        logger->log(level, spdlog::string_view_t(members.data(), members.size()));
    } else {
        fmt::memory_buffer text;
        append_text(text, what, all);
        logger->log(level, spdlog::string_view_t(text.data(), text.size()));
    }
}

} // namespace linkledger::logging
