#include "http/json_text.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>

namespace linkledger::http {
namespace {

void write(std::string& out, boost::json::value const& value)
{
    switch (value.kind()) {
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
            out += boost::json::serialize(boost::json::string_view(key));
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
    char buffer[400];
    auto const [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    if (ec != std::errc{})
        return "null";
    std::string text(buffer, end);
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
