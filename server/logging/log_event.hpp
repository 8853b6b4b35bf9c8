// One log event as data: a fixed message and its fields (name, value), rendered once, either
// as a text line (`message key=value key="a value"`) or as the members of a JSON object. No
// value is ever formatted into the message, so nothing has to be re-parsed out of it and a
// value a client chose (a path, an email, a header) can never forge another field or a line.
#pragma once

#include <fmt/format.h>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace linkledger::logging {

// An event's message: a string literal, checked when the call is compiled, so a value can
// only reach the log as a field. A field may be shown inside the message where the prose
// needs it, by name: "dropped partition {partition} (older than {days} days)"; the text form
// writes its value there (quoted like any value) instead of after the message.
class message {
public:
    template <std::size_t N>
    consteval message(char const (&text)[N]) : text_(text, N - 1)
    {
        bool in_name = false;
        std::size_t name_length = 0;
        for (char const c : text_) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                throw "a log message is one line of plain text"; // not a constant: compile error
            if (c == '{') {
                if (in_name)
                    throw "a '{' inside a field's place";
                in_name = true;
                name_length = 0;
            } else if (c == '}') {
                if (!in_name || name_length == 0)
                    throw "a '}' that closes no field's place";
                in_name = false;
            } else if (in_name) {
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                    throw "a field's place names a field: lowercase letters, digits and '_'";
                ++name_length;
            }
        }
        if (in_name)
            throw "a field's place left open";
    }
    constexpr std::string_view text() const { return text_; }

private:
    std::string_view text_;
};

// A field's name: a literal of lowercase letters, digits and '_' (checked at compile time),
// the same in the text and the JSON form.
class field_name {
public:
    template <std::size_t N>
    consteval field_name(char const (&text)[N]) : text_(text, N - 1)
    {
        if (text_.empty() || (text_[0] >= '0' && text_[0] <= '9'))
            throw "a field name starts with a letter or '_'";
        for (char const c : text_)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                throw "a field name is lowercase letters, digits and '_'";
    }
    constexpr std::string_view text() const { return text_; }

private:
    std::string_view text_;
};

// A number shown with a fixed count of decimals (latency_ms=0.125): the text form shows those
// digits, the JSON form the number they write.
struct fixed {
    double value;
    int decimals;
};

// Text of our own making for the operator to read as it is, such as why the server refuses to
// start and what to do: written unquoted in the text form (control characters still as '?').
// Never for anything a client sent: that is an ordinary string value.
struct prose {
    std::string_view text;
};

// One field. It holds a view of its value: fields live for the one call that logs them.
class field {
public:
    using value_type = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool, fixed, prose>;

    field(field_name name, std::string_view value) : name_(name.text()), value_(value) {}
    field(field_name name, std::string const& value) : name_(name.text()), value_(std::string_view(value)) {}
    field(field_name name, char const* value)
        : name_(name.text()), value_(std::string_view(value == nullptr ? "" : value))
    {
    }
    template <std::integral T>
        requires(!std::same_as<T, bool> && !std::same_as<T, char>)
    field(field_name name, T value) : name_(name.text())
    {
        // Signed when it fits, as a number read back from text would be.
        if constexpr (std::is_signed_v<T>)
            value_ = static_cast<std::int64_t>(value);
        else if (static_cast<std::uint64_t>(value) <= static_cast<std::uint64_t>(INT64_MAX))
            value_ = static_cast<std::int64_t>(value);
        else
            value_ = static_cast<std::uint64_t>(value);
    }
    field(field_name name, double value) : name_(name.text()), value_(value) {}
    field(field_name name, bool value) : name_(name.text()), value_(value) {}
    field(field_name name, fixed value) : name_(name.text()), value_(value) {}
    field(field_name name, prose value) : name_(name.text()), value_(value) {}

    std::string_view name() const { return name_; }
    value_type const& value() const { return value_; }

private:
    std::string_view name_;
    value_type value_;
};

using fields = std::initializer_list<field>;

// The text form: the message with its {name} places filled, then ` name=value` for each field
// it did not show. A string value is written as it is when it is one plain word, otherwise
// quoted ("a \"b\" \\ c"); control characters show as '?', so a value stays one field of one
// line. A place whose field is missing is written as it is.
void append_text(fmt::memory_buffer& out, message what, std::span<field const> fields);
std::string text_of(message what, std::span<field const> fields);

// The JSON form without the line's own time and level: `{"message": <the text form>, <each
// field as its own typed member>}`. A field named time, level or message is left out (those
// names are the line's); a string that is not UTF-8 has its bad bytes replaced by U+FFFD.
std::string json_members_of(message what, std::span<field const> fields);

} // namespace linkledger::logging
