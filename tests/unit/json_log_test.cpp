// Unit tests for logging/log_event and logging/json_formatter: an event (a message and its
// fields as data) gives one text line or one JSON object with time, level, message and each
// field as its own typed member; no value, however hostile, makes another field or a line.
#include "logging/json_formatter.hpp"
#include "logging/log_event.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace logging = linkledger::logging;
using logging::field;
using logging::fields;
using logging::json_formatter;
using logging::message;

// A message and a field's name are literals: a value the program computed cannot become one.
static_assert(!std::is_constructible_v<message, std::string>);
static_assert(!std::is_constructible_v<message, char const*>);
static_assert(!std::is_constructible_v<message, std::string_view>);
static_assert(!std::is_constructible_v<logging::field_name, std::string>);
static_assert(!std::is_constructible_v<field, std::string, std::string>);

namespace {

std::string text(message what, fields f)
{
    return logging::text_of(what, {f.begin(), f.size()});
}

boost::json::object json(message what, fields f)
{
    auto const line = logging::json_line("2026-01-02T03:04:05.678Z", "info",
                                         logging::json_members_of(what, {f.begin(), f.size()}));
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    return boost::json::parse(line).as_object();
}

// The words of a text line read the way a reader of `key=value` logs reads them: a quoted
// value runs to its closing quote. Here to hold the text form to what it promises.
std::vector<std::pair<std::string, std::string>> fields_read_back(std::string_view line)
{
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t i = 0;
    while (i < line.size()) {
        auto const word_end = [&] {
            auto const end = line.find(' ', i);
            return end == std::string_view::npos ? line.size() : end;
        };
        auto const eq = line.find('=', i);
        if (eq == std::string_view::npos || eq > word_end()) {
            i = word_end() + 1;
            continue;
        }
        std::string key(line.substr(i, eq - i));
        std::string value;
        i = eq + 1;
        if (i < line.size() && line[i] == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\')
                    ++i;
                value += line[i];
            }
            i += 2;
        } else {
            auto const end = word_end();
            value = line.substr(i, end - i);
            i = end + 1;
        }
        out.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

} // namespace

TEST(json_log, a_request_line_becomes_typed_fields)
{
    auto const v = json("http", {{"method", "GET"},
                                 {"path", "/lea-bio"},
                                 {"status", 302u},
                                 {"latency_ms", logging::fixed{0.12451, 3}}});
    EXPECT_EQ(v.at("time").as_string(), "2026-01-02T03:04:05.678Z");
    EXPECT_EQ(v.at("level").as_string(), "info");
    EXPECT_EQ(v.at("message").as_string(), "http method=GET path=/lea-bio status=302 latency_ms=0.125");
    EXPECT_EQ(v.at("method").as_string(), "GET");
    EXPECT_EQ(v.at("path").as_string(), "/lea-bio");
    EXPECT_EQ(v.at("status").as_int64(), 302);
    EXPECT_DOUBLE_EQ(v.at("latency_ms").as_double(), 0.125);
    EXPECT_EQ(v.size(), 7u);
}

TEST(json_log, the_text_form_is_the_message_then_each_field)
{
    EXPECT_EQ(text("migration applied", {{"name", "0001_init.sql"}}), "migration applied name=0001_init.sql");
    EXPECT_EQ(text("stopped", {}), "stopped");
    EXPECT_EQ(text("x", {{"n", -3}, {"big", std::uint64_t{18446744073709551615u}}, {"ok", true}, {"r", 0.5},
                         {"empty", ""}}),
              "x n=-3 big=18446744073709551615 ok=true r=0.5 empty=");
    // A value that is one plain word stays as it is, `=` and all (a redacted query string).
    EXPECT_EQ(text("http request", {{"query", "token=[REDACTED]&txid=LOG-1"}}),
              "http request query=token=[REDACTED]&txid=LOG-1");
    auto const v = json("x", {{"n", -3}, {"big", std::uint64_t{18446744073709551615u}}, {"ok", true}, {"r", 0.5}});
    EXPECT_EQ(v.at("n").as_int64(), -3);
    EXPECT_EQ(v.at("big").as_uint64(), 18446744073709551615u);
    EXPECT_EQ(v.at("ok").as_bool(), true);
    EXPECT_DOUBLE_EQ(v.at("r").as_double(), 0.5);
}

TEST(json_log, a_field_placed_in_the_message_is_written_there_once)
{
    EXPECT_EQ(text("click retention: dropped partition {partition} (older than {days} days)",
                   {{"partition", "clicks_202601"}, {"days", 30}}),
              "click retention: dropped partition clicks_202601 (older than 30 days)");
    EXPECT_EQ(text("stopped backlog={backlog} (kept)", {{"backlog", 3}, {"extra", "e"}}),
              "stopped backlog=3 (kept) extra=e");
    EXPECT_EQ(text("accept failed: {error}", {{"error", "Too many open files"}}),
              R"(accept failed: "Too many open files")");
    EXPECT_EQ(text("no such {thing}", {}), "no such {thing}");
    auto const v = json("dropped {partition}", {{"partition", "p1"}});
    EXPECT_EQ(v.at("message").as_string(), "dropped p1");
    EXPECT_EQ(v.at("partition").as_string(), "p1");
}

TEST(json_log, prose_of_our_own_is_written_as_it_is_but_on_one_line)
{
    auto const why = "journal holds clicks for database \"a\" (system identifier 7)\nmove it away";
    EXPECT_EQ(text("refusing to start: {error}", {{"error", logging::prose{why}}}),
              "refusing to start: journal holds clicks for database \"a\" (system identifier 7)?move it away");
    auto const v = json("refusing to start: {error}", {{"error", logging::prose{why}}});
    EXPECT_EQ(v.at("error").as_string(), why);
}

TEST(json_log, the_formatter_writes_one_line_with_utc_time)
{
    json_formatter formatter;
    fields const f{{"backlog", 3}};
    auto const members = logging::json_members_of("stopped", {f.begin(), f.size()});
    spdlog::details::log_msg msg(spdlog::source_loc{}, "linkledger", spdlog::level::err, members);
    msg.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
    spdlog::memory_buf_t out;
    formatter.format(msg, out);
    std::string const line(out.data(), out.size());
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    EXPECT_TRUE(line.starts_with(R"({"time":"2023-11-14T22:13:20.123Z","level":"error","message":)")) << line;
    auto const v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("time").as_string(), "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(v.at("level").as_string(), "error");
    EXPECT_EQ(v.at("message").as_string(), "stopped backlog=3");
    EXPECT_EQ(v.at("backlog").as_int64(), 3);
}

TEST(json_log, a_message_not_made_by_an_event_is_only_a_message)
{
    for (std::string const raw : {"plain text status=500", R"({"message":"x")", "{\"status\":500}", "a\nb"}) {
        auto const line = logging::json_line("t", "info", raw);
        EXPECT_EQ(line.find('\n'), std::string::npos) << line;
        auto const v = boost::json::parse(line).as_object();
        EXPECT_EQ(v.at("message").as_string(), raw);
        EXPECT_EQ(v.size(), 3u) << line;
    }
}

TEST(json_log, hostile_values_never_make_fields_or_lines)
{
    std::string long_value(100000, 'a');
    long_value += " status=500\n";
    std::vector<std::string> const hostile{
        "a b",
        R"(x" status=500 ip="1.2.3.4)",
        "key=forged",
        " key=forged",
        "a\nlevel=critical time=0 injected line",
        "a\r\n2026-01-01T00:00:00.000+0000 error forged",
        R"(\" status=500 \)",
        "\"",
        "\\",
        "=",
        "a=b=c d=e",
        std::string("nul\0byte x=y", 12),
        "\xff\xfe status=500 \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80",
        "\x1b[31mred\x1b[0m x=1",
        "caf\xc3\xa9 \xe2\x82\xac",
        long_value,
    };
    for (auto const& value : hostile) {
        SCOPED_TRACE(testing::Message() << "value of " << value.size() << " bytes: " << value.substr(0, 60));
        auto const line = text("login failed email={email}", {{"email", value}, {"ip", "10.0.0.1"}, {"status", 401}});
        EXPECT_EQ(line.find('\n'), std::string::npos);
        EXPECT_EQ(line.find('\r'), std::string::npos);
        auto const read_back = fields_read_back(line);
        ASSERT_EQ(read_back.size(), 3u) << line.substr(0, 300);
        EXPECT_EQ(read_back[0].first, "email");
        EXPECT_EQ(read_back[1], (std::pair<std::string, std::string>{"ip", "10.0.0.1"}));
        EXPECT_EQ(read_back[2], (std::pair<std::string, std::string>{"status", "401"}));
        // The text form shows the value itself, control characters as '?'.
        std::string shown = value;
        for (auto& c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                c = '?';
        EXPECT_EQ(read_back[0].second, shown);

        auto const v = json("login failed", {{"email", value}, {"ip", "10.0.0.1"}, {"status", 401}});
        EXPECT_EQ(v.size(), 6u); // time, level, message, email, ip, status
        EXPECT_EQ(v.at("level").as_string(), "info");
        EXPECT_EQ(v.at("ip").as_string(), "10.0.0.1");
        EXPECT_EQ(v.at("status").as_int64(), 401);
        EXPECT_EQ(v.at("message").as_string().find('\n'), boost::json::string::npos);
    }
}

TEST(json_log, json_values_are_exact_and_valid_utf8)
{
    auto const v = json("x", {{"a", "line\nbreak \"quoted\" \\ tab\t"}, {"b", "caf\xc3\xa9"}, {"c", "bad\xff\xc3(end"}});
    EXPECT_EQ(v.at("a").as_string(), "line\nbreak \"quoted\" \\ tab\t");
    EXPECT_EQ(v.at("b").as_string(), "caf\xc3\xa9");
    EXPECT_EQ(v.at("c").as_string(), "bad\xef\xbf\xbd\xef\xbf\xbd(end");
    EXPECT_EQ(v.at("message").as_string(), "x a=\"line?break \\\"quoted\\\" \\\\ tab?\" b=caf\xc3\xa9 c=bad\xef\xbf\xbd\xef\xbf\xbd(end");
}

TEST(json_log, a_field_cannot_replace_the_lines_own_members)
{
    auto const v = json("x", {{"time", "forged"}, {"level", "critical"}, {"message", "forged"}, {"ok", 1}});
    EXPECT_EQ(v.at("time").as_string(), "2026-01-02T03:04:05.678Z");
    EXPECT_EQ(v.at("level").as_string(), "info");
    EXPECT_EQ(v.at("message").as_string(), "x time=forged level=critical message=forged ok=1");
    EXPECT_EQ(v.at("ok").as_int64(), 1);
    EXPECT_EQ(v.size(), 4u);
}

TEST(json_log, numbers_that_are_not_finite_stay_valid_json)
{
    auto const v = json("x", {{"a", std::numeric_limits<double>::infinity()},
                              {"b", logging::fixed{std::numeric_limits<double>::quiet_NaN(), 3}}});
    EXPECT_TRUE(v.at("a").is_string());
    EXPECT_TRUE(v.at("b").is_string());
}
