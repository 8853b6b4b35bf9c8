#include "events/webhook_url.hpp"

#include "events/address_policy.hpp"
#include "http/percent_decoding.hpp"
#include "http/written_authority.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace linkledger::events {
namespace {

// One part of an inet_aton address: decimal, 0x hex or 0-led octal, as strtoul(..., 0)
// reads it; nothing when it is not a number or passes `max`. A bare "0x" is 0: the WHATWG URL
// parsers read it so (glibc 2.36's inet_aton refuses it; reading it as the unspecified address
// errs on the side that refuses a URL no endpoint needs).
std::optional<std::uint32_t> address_part(std::string_view text, std::uint32_t max)
{
    if (text == "0x" || text == "0X")
        return 0;
    unsigned base = 10;
    if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    } else if (text.size() > 1 && text[0] == '0') {
        base = 8;
        text.remove_prefix(1);
    }
    if (text.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    for (char const c : text) {
        unsigned digit = 0;
        if (c >= '0' && c <= '9')
            digit = unsigned(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = unsigned(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = unsigned(c - 'A' + 10);
        else
            return std::nullopt;
        if (digit >= base)
            return std::nullopt;
        value = value * base + digit;
        if (value > max)
            return std::nullopt;
    }
    return std::uint32_t(value);
}

// The IPv4 address a resolver reads in a host that is not written as four decimal parts:
// glibc's getaddrinfo takes what inet_aton takes, so 127.1, 2130706433, 0x7f000001 and
// 0177.0.0.1 all reach 127.0.0.1. One to four parts, the last filling the bits the others
// leave (a, a.b with b 24 bits, a.b.c with c 16 bits, a.b.c.d). One trailing dot is ignored,
// as WHATWG URL parsers do, so 127.0.0.1. is read too (refusing it costs nothing).
std::optional<std::uint32_t> ipv4_as_resolvers_read_it(std::string_view host)
{
    if (host.ends_with('.'))
        host.remove_suffix(1);
    std::array<std::string_view, 4> parts;
    std::size_t count = 0;
    while (true) {
        if (count == parts.size())
            return std::nullopt;
        auto const dot = host.find('.');
        parts[count++] = host.substr(0, dot);
        if (dot == std::string_view::npos)
            break;
        host.remove_prefix(dot + 1);
    }
    std::uint32_t address = 0;
    for (std::size_t i = 0; i + 1 < count; ++i) {
        auto const part = address_part(parts[i], 0xff);
        if (!part)
            return std::nullopt;
        address |= *part << (24 - 8 * i);
    }
    std::uint32_t const last_max = count == 1 ? 0xffffffffu : (std::uint32_t{1} << (32 - 8 * (count - 1))) - 1;
    auto const last = address_part(parts[count - 1], last_max);
    if (!last)
        return std::nullopt;
    return address | *last;
}

// localhost and *.localhost (RFC 6761) in any case, with or without the one trailing dot
// that makes a name fully qualified.
bool is_localhost(std::string host)
{
    if (host.ends_with('.'))
        host.pop_back();
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return host == "localhost" || host.ends_with(".localhost");
}

// A port is written as 1 to 65535; an empty one would be sent to as port 0.
bool is_port(std::string_view port)
{
    if (port.empty() || port.size() > 5)
        return false;
    unsigned value = 0;
    for (char const c : port) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + unsigned(c - '0');
    }
    return value >= 1 && value <= 65535;
}

} // namespace

std::string host_to_resolve(std::string_view host)
{
    if (host.size() > 1 && host.back() == '.' && ipv4_as_resolvers_read_it(host))
        host.remove_suffix(1);
    return std::string(host);
}

std::optional<std::string> webhook_url_problem(std::string_view url, bool allow_private)
{
    if (url.size() > k_max_webhook_url)
        return "url must be at most 2048 bytes";
    auto const parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed)
        return "url must be an absolute http(s) URL";
    auto const& u = *parsed;
    if (u.scheme() != "https" && u.scheme() != "http")
        return "url must be an absolute http(s) URL";
    if (u.scheme() == "http" && !allow_private)
        return "url must be https (http:// only with LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1)";
    if (!u.has_authority() || u.host().empty())
        return "url must name a host";
    // Boost.URL 1.81 reads https://10.0.0.5.nip.io/ as the host 10.0.0.5 and the path ".nip.io/"
    // (http/written_authority.hpp): the host written is a name, and is checked and sent to as one.
    bool const cut_short = http::authority_cut_short(u.encoded_path());
    auto const written = http::authority_as_written(url);
    std::string const host = cut_short ? std::string(written.host) : std::string(u.host());
    auto const type = cut_short ? boost::urls::host_type::name : u.host_type();
    // One trailing dot makes a name fully qualified; two or more leave an empty label, which no
    // valid name has ("localhost.." is neither localhost nor anything DNS can hold).
    if (host.ends_with(".."))
        return "url host must not end in more than one dot (not a valid name)";
    // A resolver reads a host that ends in a number as an IPv4 address (inet_aton's shorthands
    // too) and finds none for 1.2.3.4.5 or 256.1.1.1: every delivery would fail at its lookup.
    // Boost.URL gives its host decoded; the written one (cut short) is decoded here.
    std::string const decoded = cut_short ? http::percent_decoded(host, http::plus_sign::literal) : host;
    if (type != boost::urls::host_type::ipv6 && http::ends_in_a_number(decoded) && !ipv4_as_resolvers_read_it(decoded))
        return "url host ends in a number but is no IPv4 address (as 1.2.3.4.5 or 256.1.1.1)";
    if (u.has_userinfo() || written.userinfo)
        return "url must not hold a user name or password";
    if (u.has_fragment())
        return "url must not have a #fragment";
    auto const port = cut_short ? written.port : std::string_view(u.port());
    if ((u.has_port() || !port.empty()) && !is_port(port))
        return "url port must be 1 to 65535";
    if (!allow_private) {
        std::optional<std::string> why;
        if (type == boost::urls::host_type::ipv4)
            why = non_public_reason(boost::asio::ip::address(
                boost::asio::ip::address_v4(u.host_ipv4_address().to_bytes())));
        else if (type == boost::urls::host_type::ipv6)
            why = non_public_reason(boost::asio::ip::address(
                boost::asio::ip::address_v6(u.host_ipv6_address().to_bytes())));
        else if (auto const shorthand = ipv4_as_resolvers_read_it(host))
            why = non_public_reason(boost::asio::ip::address(boost::asio::ip::address_v4(*shorthand)));
        else if (is_localhost(host))
            why = "loopback";
        if (why)
            return std::string("url must not point to a ")
                .append(*why)
                .append(" address (allowed only with LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1)");
    }
    return std::nullopt;
}

} // namespace linkledger::events
