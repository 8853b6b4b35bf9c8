#include "http/request_head.hpp"

#include "http/router.hpp"

#include <boost/beast/core/string.hpp>

#include <utility>

namespace linkledger::http {
namespace {

bool is_token_char(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Printable ASCII and tabs: bytes past 0x7f are legal (obs-text) but rare here, and the full
// parser has the last word on them.
bool is_plain_value_char(char c)
{
    return c == '\t' || (c >= 0x20 && c <= 0x7e);
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// The Connection field's tokens, as Beast's token_list reads them; nothing when one of them is
// not a plain token.
struct connection_tokens {
    bool close = false;
    bool keep_alive = false;
};

std::optional<connection_tokens> read_connection(std::string_view value)
{
    connection_tokens tokens;
    while (!value.empty()) {
        auto const comma = value.find(',');
        auto const item = trimmed(value.substr(0, comma));
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        if (item.empty())
            continue;
        for (char const c : item)
            if (!is_token_char(c))
                return std::nullopt;
        tokens.close = tokens.close || beast::iequals(item, "close");
        tokens.keep_alive = tokens.keep_alive || beast::iequals(item, "keep-alive");
    }
    return tokens;
}

// Reads "METHOD SP target SP HTTP/1.x CRLF"; the rest of `data` after it, or nothing.
std::optional<std::string_view> read_request_line(std::string_view data, request_head& head)
{
    if (data.starts_with("GET ")) {
        head.method = verb::get;
        data.remove_prefix(4);
    } else if (data.starts_with("HEAD ")) {
        head.method = verb::head;
        data.remove_prefix(5);
    } else {
        return std::nullopt;
    }
    auto const space = data.find(' ');
    if (space == std::string_view::npos || space == 0 || space > k_max_target_bytes || data[0] != '/')
        return std::nullopt;
    head.target = data.substr(0, space);
    for (char const c : head.target)
        if (c <= 0x20 || c >= 0x7f)
            return std::nullopt;
    data.remove_prefix(space + 1);
    if (data.starts_with("HTTP/1.1\r\n"))
        head.version = 11;
    else if (data.starts_with("HTTP/1.0\r\n"))
        head.version = 10;
    else
        return std::nullopt;
    return data.substr(10);
}

} // namespace

std::optional<request_head> read_plain_head(std::string_view data)
{
    request_head head;
    auto const after_line = read_request_line(data, head);
    if (!after_line)
        return std::nullopt;
    auto rest = *after_line;
    auto const fields_start = rest.data();
    std::size_t fields = 0;
    std::optional<connection_tokens> connection;
    bool seen_user_agent = false, seen_referer = false, seen_accept_language = false, seen_proto = false;
    int hosts = 0;
    for (;;) {
        if (static_cast<std::size_t>(rest.data() - fields_start) > k_max_header_bytes)
            return std::nullopt;
        auto const end = rest.find("\r\n");
        if (end == std::string_view::npos)
            return std::nullopt; // incomplete: the full parser waits for the rest
        auto const line = rest.substr(0, end);
        rest.remove_prefix(end + 2);
        if (line.empty())
            break;
        if (++fields > k_max_header_fields)
            return std::nullopt;
        auto const colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return std::nullopt;
        auto const name = line.substr(0, colon);
        for (char const c : name)
            if (!is_token_char(c))
                return std::nullopt;
        auto const raw_value = line.substr(colon + 1);
        for (char const c : raw_value)
            if (!is_plain_value_char(c))
                return std::nullopt;
        auto const value = trimmed(raw_value);
        if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
            beast::iequals(name, "Expect") || beast::iequals(name, "Upgrade"))
            return std::nullopt;
        if (beast::iequals(name, "Host")) {
            ++hosts;
        } else if (beast::iequals(name, "Connection")) {
            if (connection || !(connection = read_connection(value)))
                return std::nullopt; // a second one: Beast reads only the first
        } else if (beast::iequals(name, "User-Agent")) {
            if (!std::exchange(seen_user_agent, true))
                head.user_agent = value;
        } else if (beast::iequals(name, "Referer")) {
            if (!std::exchange(seen_referer, true))
                head.referer = value;
        } else if (beast::iequals(name, "Accept-Language")) {
            if (!std::exchange(seen_accept_language, true))
                head.accept_language = value;
        } else if (beast::iequals(name, "X-Forwarded-Proto")) {
            if (!std::exchange(seen_proto, true))
                head.forwarded_proto = value;
        } else if (beast::iequals(name, "X-Forwarded-For")) {
            if (head.forwarded_count == request_head::k_max_forwarded)
                return std::nullopt;
            head.forwarded_for[head.forwarded_count++] = value;
        }
    }
    // The listener's limit counts the fields and the blank line after them (431 past it).
    if (static_cast<std::size_t>(rest.data() - fields_start) > k_max_header_bytes)
        return std::nullopt;
    // Without exactly one Host (HTTP/1.1), or with two, the full road answers 400.
    if (hosts > 1 || (hosts == 0 && head.version >= 11))
        return std::nullopt;
    head.keep_alive = head.version >= 11 ? !(connection && connection->close) : connection && connection->keep_alive;
    head.bytes = static_cast<std::size_t>(rest.data() - data.data());
    return head;
}

} // namespace linkledger::http
