#include "logging/log_event.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace linkledger::logging {
namespace {

bool is_control(char c)
{
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

void append(fmt::memory_buffer& out, std::string_view text)
{
    out.append(text.data(), text.data() + text.size());
}

// One plain word as it is (easier to read); anything else quoted, so that spaces, quotes and
// `key=value` lookalikes inside stay one value, and control characters shown as '?' so that a
// newline cannot start a forged line.
void append_string(fmt::memory_buffer& out, std::string_view text)
{
    if (text.find_first_of(" \"\\") == std::string_view::npos && std::none_of(text.begin(), text.end(), is_control)) {
        append(out, text);
        return;
    }
    out.push_back('"');
    for (char const c : text) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(is_control(c) ? '?' : c);
    }
    out.push_back('"');
}

// A fixed-decimal value as text ("12.345"); std::to_chars, since fmt's fixed precision goes
// through snprintf, which showed in the redirect's profile (the access line's latency).
std::string_view fixed_text(fixed const& v, std::array<char, 384>& buffer)
{
    auto const [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v.value,
                                         std::chars_format::fixed, std::clamp(v.decimals, 0, 17));
    if (ec != std::errc())
        return "nan";
    return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

void append_value(fmt::memory_buffer& out, field::value_type const& value)
{
    std::visit(
        [&out](auto const& v) {
            using type = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<type, std::string_view>)
                append_string(out, v);
            else if constexpr (std::is_same_v<type, prose>)
                for (char const c : v.text)
                    out.push_back(is_control(c) ? '?' : c);
            else if constexpr (std::is_same_v<type, bool>)
                append(out, v ? "true" : "false");
            else if constexpr (std::is_same_v<type, fixed>) {
                std::array<char, 384> buffer;
                append(out, fixed_text(v, buffer));
            }
            else
                fmt::format_to(std::back_inserter(out), "{}", v);
        },
        value);
}

// The length of the valid UTF-8 sequence at the start of `text`, or 0 when it is not one.
std::size_t utf8_sequence(std::string_view text)
{
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    auto const b0 = byte(0);
    if (b0 < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf; // the allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf)
        length = 2;
    else if (b0 >= 0xe0 && b0 <= 0xef) {
        length = 3;
        if (b0 == 0xe0)
            low = 0xa0; // no overlong form
        if (b0 == 0xed)
            high = 0x9f; // no UTF-16 surrogate
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        length = 4;
        if (b0 == 0xf0)
            low = 0x90;
        if (b0 == 0xf4)
            high = 0x8f; // nothing past U+10FFFF
    } else
        return 0;
    if (text.size() < length || byte(1) < low || byte(1) > high)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(i) < 0x80 || byte(i) > 0xbf)
            return 0;
    return length;
}

// JSON text must be UTF-8: a byte that does not belong to a character becomes U+FFFD.
boost::json::string json_string(std::string_view text)
{
    boost::json::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        auto const length = utf8_sequence(text);
        if (length == 0) {
            out.append("\xef\xbf\xbd");
            text.remove_prefix(1);
        } else {
            out.append(text.substr(0, length));
            text.remove_prefix(length);
        }
    }
    return out;
}

boost::json::value json_value(field::value_type const& value)
{
    return std::visit(
        [](auto const& v) -> boost::json::value {
            using type = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<type, std::string_view>) {
                return json_string(v);
            } else if constexpr (std::is_same_v<type, prose>) {
                return json_string(v.text);
            } else if constexpr (std::is_same_v<type, fixed>) {
                // The number the text form shows, not more digits than it has.
                std::array<char, 384> buffer;
                auto const text = fixed_text(v, buffer);
                double shown = 0;
                std::from_chars(text.data(), text.data() + text.size(), shown);
                if (!std::isfinite(v.value))
                    return boost::json::string(text);
                return shown;
            } else if constexpr (std::is_same_v<type, double>) {
                if (!std::isfinite(v))
                    return boost::json::string(fmt::format("{}", v));
                return v;
            } else {
                return v;
            }
        },
        value);
}

// These names are the line's own; a field of the same name does not replace them.
bool reserved(std::string_view name)
{
    return name == "time" || name == "level" || name == "message";
}

} // namespace

void append_text(fmt::memory_buffer& out, message what, std::span<field const> fields)
{
    auto const find = [&](std::string_view name) -> field const* {
        for (auto const& f : fields)
            if (f.name() == name)
                return &f;
        return nullptr;
    };
    // The message's places ({name}) are known good: message checked them when compiled.
    auto text = what.text();
    bool any_place = false;
    while (!text.empty()) {
        auto const open = text.find('{');
        append(out, text.substr(0, open));
        if (open == std::string_view::npos)
            break;
        any_place = true;
        auto const close = text.find('}', open);
        auto const name = text.substr(open + 1, close - open - 1);
        if (auto const* f = find(name))
            append_value(out, f->value());
        else
            append(out, text.substr(open, close - open + 1));
        text.remove_prefix(close + 1);
    }
    auto const placed = [&](std::string_view name) {
        if (!any_place)
            return false;
        std::string place;
        place.reserve(name.size() + 2);
        place += '{';
        place += name;
        place += '}';
        return what.text().find(place) != std::string_view::npos;
    };
    for (auto const& f : fields) {
        if (placed(f.name()))
            continue;
        out.push_back(' ');
        append(out, f.name());
        out.push_back('=');
        append_value(out, f.value());
    }
}

std::string text_of(message what, std::span<field const> fields)
{
    fmt::memory_buffer out;
    append_text(out, what, fields);
    return fmt::to_string(out);
}

std::string json_members_of(message what, std::span<field const> fields)
{
    boost::json::object line;
    line["message"] = json_string(text_of(what, fields));
    for (auto const& f : fields)
        if (!reserved(f.name()))
            line[f.name()] = json_value(f.value());
    return boost::json::serialize(line);
}

} // namespace linkledger::logging
