#include "http/json_text.hpp"

#include "http/json_strict.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>
#include <string_view>

namespace linkledger::http {
namespace {

// The length of the valid UTF-8 sequence at `i`, or 0 (overlong forms, surrogates and code
// points past U+10FFFF are not valid).
std::size_t utf8_sequence(std::string_view text, std::size_t i)
{
    auto const at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    auto const c = at(i);
    if (c < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
        length = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        low = c == 0xE0 ? 0xA0 : 0x80;
        high = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        low = c == 0xF0 ? 0x90 : 0x80;
        high = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (i + length > text.size() || at(i + 1) < low || at(i + 1) > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (at(i + k) < 0x80 || at(i + k) > 0xBF)
            return 0;
    return length;
}

// A string as JSON text. An answer may quote what a client sent (a CSV cell, a column name):
// bytes that are not UTF-8 become U+FFFD, so the answer stays valid JSON for every parser.
void write_string(std::string& out, std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        auto const length = utf8_sequence(text, i);
        if (length == 0) {
            std::string clean(text.substr(0, i));
            for (std::size_t j = i; j < text.size();) {
                auto const n = utf8_sequence(text, j);
                clean += n == 0 ? std::string_view("\xEF\xBF\xBD") : text.substr(j, n);
                j += n == 0 ? 1 : n;
            }
            out += boost::json::serialize(boost::json::string_view(clean));
            return;
        }
        i += length;
    }
    out += boost::json::serialize(boost::json::string_view(text));
}

void write(std::string& out, boost::json::value const& value)
{
    switch (value.kind()) {
    case boost::json::kind::string:
        write_string(out, value.get_string());
        return;
    case boost::json::kind::double_:
        out += json_decimal(value.get_double());
        return;
    case boost::json::kind::object: {
        out.push_back('{');
        bool first = true;
        for (auto const& [key, member] : value.get_object()) {
            if (!first)
                out.push_back(',');
            first = false;
            write_string(out, key);
            out.push_back(':');
            write(out, member);
        }
        out.push_back('}');
        return;
    }
    case boost::json::kind::array: {
        out.push_back('[');
        bool first = true;
        for (auto const& element : value.get_array()) {
            if (!first)
                out.push_back(',');
            first = false;
            write(out, element);
        }
        out.push_back(']');
        return;
    }
    default:
        out += boost::json::serialize(value);
    }
}

} // namespace

std::string json_decimal(double value)
{
    if (!std::isfinite(value))
        return "null";
    // Plain notation always; shortest round-trip digits. Past 1e21 a plain decimal is long but
    // still exact and still JSON.
    auto text = decimal_text(value);
    if (text.find('.') == std::string::npos)
        text += ".0"; // still a number that is not whole, as the value's type says
    return text;
}

std::string json_text(boost::json::value const& value)
{
    std::string out;
    write(out, value);
    return out;
}

} // namespace linkledger::http
