#include "logging/redaction.hpp"

#include "http/percent_decoding.hpp"

#include <cctype>

namespace linkledger::logging {
namespace {

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains_any(std::string const& haystack, std::initializer_list<std::string_view> needles)
{
    for (auto const needle : needles)
        if (haystack.find(needle) != std::string::npos)
            return true;
    return false;
}


} // namespace

bool is_secret_parameter(std::string_view name)
{
    auto const n = lower(name);
    return contains_any(n, {"token", "key", "secret", "sig", "pass", "pwd", "auth", "session",
                            "hmac", "csrf", "cookie"});
}

bool is_secret_header(std::string_view name)
{
    auto const n = lower(name);
    return n == "cookie" || n == "set-cookie" ||
           contains_any(n, {"auth", "token", "secret", "signature", "hmac", "key", "session", "csrf"});
}

std::string redact_query(std::string_view query, std::size_t max_bytes)
{
    std::string out;
    out.reserve(query.size());
    while (!query.empty()) {
        auto const end = query.find('&');
        auto const pair = query.substr(0, end);
        auto const equals = pair.find('=');
        auto const name = pair.substr(0, equals);
        if (!out.empty())
            out.push_back('&');
        if (is_secret_parameter(http::percent_decoded(name, http::plus_sign::space))) {
            out.append(name);
            out.push_back('=');
            out.append(k_redacted);
        } else {
            out.append(pair);
        }
        if (end == std::string_view::npos)
            break;
        query.remove_prefix(end + 1);
    }
    // Cut only after redacting, so a cut never lands inside a secret and leaves its start.
    if (out.size() > max_bytes)
        out.resize(max_bytes);
    return out;
}

std::string loggable_header(std::string_view name, std::string_view value, std::size_t max_bytes)
{
    if (is_secret_header(name))
        return std::string(k_redacted);
    std::string out(value.substr(0, max_bytes));
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '?';
    return out;
}

} // namespace linkledger::logging
