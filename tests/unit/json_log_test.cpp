// Unit tests for logging/json_formatter: each log line is one JSON object with time, level,
// message, and the message's key=value fields as typed top-level fields.
#include "logging/json_formatter.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

using linkledger::logging::json_formatter;
using linkledger::logging::json_line;

TEST(json_log, a_request_line_becomes_typed_fields)
{
    auto const line = json_line("2026-01-02T03:04:05.678Z", "info",
                                "http method=GET path=/lea-bio status=302 latency_ms=0.125");
    auto const v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("time").as_string(), "2026-01-02T03:04:05.678Z");
    EXPECT_EQ(v.at("level").as_string(), "info");
    EXPECT_EQ(v.at("message").as_string(), "http method=GET path=/lea-bio status=302 latency_ms=0.125");
    EXPECT_EQ(v.at("method").as_string(), "GET");
    EXPECT_EQ(v.at("path").as_string(), "/lea-bio");
    EXPECT_EQ(v.at("status").as_int64(), 302);
    EXPECT_DOUBLE_EQ(v.at("latency_ms").as_double(), 0.125);
}

TEST(json_log, quotes_newlines_and_odd_words_stay_valid_json)
{
    auto const line = json_line("t", "warn", "bad \"input\"\nnext time=forged URL=x a=b=c http://h/?q=1 x=");
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto const v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("message").as_string(), "bad \"input\"\nnext time=forged URL=x a=b=c http://h/?q=1 x=");
    EXPECT_EQ(v.at("time").as_string(), "t") << "a message field must not replace the line's own";
    EXPECT_FALSE(v.contains("URL"));
    EXPECT_EQ(v.at("a").as_string(), "b=c");
    EXPECT_EQ(v.at("x").as_string(), "");
}

TEST(json_log, the_formatter_writes_one_line_with_utc_time)
{
    json_formatter formatter;
    spdlog::details::log_msg msg(spdlog::source_loc{}, "linkledger", spdlog::level::err,
                                 "stopped backlog=3");
    msg.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
    spdlog::memory_buf_t out;
    formatter.format(msg, out);
    std::string const text(out.data(), out.size());
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(text.find('\n'), text.size() - 1);
    auto const v = boost::json::parse(text).as_object();
    EXPECT_EQ(v.at("time").as_string(), "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(v.at("level").as_string(), "error");
    EXPECT_EQ(v.at("backlog").as_int64(), 3);
}

TEST(json_log, a_quoted_value_is_one_field_and_cannot_forge_others)
{
    using linkledger::logging::quoted;
    auto const headers = quoted(R"(User-Agent: Mozilla/5.0 (iPhone) status=500 x="y" \ end)");
    auto const line = json_line("t", "debug", "http request method=GET query=" + quoted("") +
                                                  " headers=" + headers + " body_bytes=0");
    auto const v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("headers").as_string(), R"(User-Agent: Mozilla/5.0 (iPhone) status=500 x="y" \ end)");
    EXPECT_FALSE(v.contains("status")) << line;
    EXPECT_FALSE(v.contains("x")) << line;
    EXPECT_EQ(v.at("query").as_string(), "");
    EXPECT_EQ(v.at("body_bytes").as_int64(), 0);
    EXPECT_EQ(v.at("method").as_string(), "GET");
    // A client's stray quote in a value we did not quote stays in its own word.
    auto const open = boost::json::parse(json_line("t", "info", R"(http path="x status=404 ip=1.2.3.4)")).as_object();
    EXPECT_EQ(open.at("path").as_string(), "\"x");
    EXPECT_EQ(open.at("status").as_int64(), 404);
    EXPECT_EQ(open.at("ip").as_string(), "1.2.3.4");
    auto const glued = boost::json::parse(json_line("t", "info", R"(http path="a"zuser=x status=404)")).as_object();
    EXPECT_EQ(glued.at("path").as_string(), "\"a\"zuser=x");
    EXPECT_FALSE(glued.contains("zuser"));
    EXPECT_EQ(glued.at("status").as_int64(), 404);
}
