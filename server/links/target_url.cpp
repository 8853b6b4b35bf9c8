#include "links/target_url.hpp"

#include "links/smart_link.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace linkledger::links {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to,
                 bool ignore_case)
{
    auto const same = [ignore_case](char a, char b) {
        return ignore_case ? std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b))
                           : a == b;
    };
    std::size_t pos = 0;
    for (;;) {
        auto const it = std::search(text.begin() + static_cast<std::ptrdiff_t>(pos), text.end(),
                                    from.begin(), from.end(), same);
        if (it == text.end())
            return;
        pos = static_cast<std::size_t>(it - text.begin());
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
}

// The WHATWG URL standard's "ends in a number": a host whose last label (a trailing dot aside)
// is decimal digits, or 0x and hex digits, is read by browsers as an IPv4 address.
bool ends_in_a_number(std::string_view host)
{
    if (host.size() > 1 && host.back() == '.')
        host.remove_suffix(1);
    auto const dot = host.rfind('.');
    auto const last = dot == std::string_view::npos ? host : host.substr(dot + 1);
    auto const all_of = [](std::string_view text, auto is) {
        return std::all_of(text.begin(), text.end(), [&](char c) { return is(static_cast<unsigned char>(c)); });
    };
    if (!last.empty() && all_of(last, [](unsigned char c) { return std::isdigit(c) != 0; }))
        return true;
    return last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') &&
           all_of(last.substr(2), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

} // namespace

std::optional<std::string> target_url_problem(std::string_view url, std::string_view field)
{
    auto const says = [field](std::string_view what) { return std::string(field).append(what); };
    if (url.empty())
        return says(" is required");
    if (url.size() > k_max_target_length)
        return says(" must be at most 2048 bytes");
    // Braces are not valid in a URL, so placeholders are checked in the place of sample values.
    auto const compiled = compile_target(url);
    auto const sample = render_target(compiled, {"01JDZQ5C9M7R3K8T2V6W4X0Y1Z", "lea-bio", "tiktok", "42", "FR"});
    // parse_uri, not parse_absolute_uri: the latter refuses a #fragment, which shop
    // targets carry (hash-routed product pages).
    auto parsed = boost::urls::parse_uri(sample);
    if (!parsed)
        return says(" must be an absolute URL (") + parsed.error().message() + ")";
    auto const scheme = parsed->scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
        return says(" must start with http:// or https://");
    if (parsed->encoded_host().empty())
        return says(" must name a host");
    // Boost.URL 1.81 reads https://1.2.3.4.5/ as the host 1.2.3.4 and the path ".5/" (a path
    // after an authority must start with a slash; "./" is 1.2.3.4.'s trailing dot, which
    // browsers accept), and takes 256.1.1.1 for a name; a browser reads a host that ends in a
    // number as an IPv4 address and, when it is not one, shows the follower an error page.
    auto path = std::string_view(parsed->encoded_path());
    if (parsed->host_type() == boost::urls::host_type::ipv4 && (path == "." || path.starts_with("./")))
        path.remove_prefix(1);
    if ((!path.empty() && path.front() != '/') ||
        (parsed->host_type() == boost::urls::host_type::name && ends_in_a_number(parsed->host())))
        return says(" has a host that ends in a number: a browser reads it as an IPv4 address, to be written as four numbers from 0 to 255");
    if (parsed->has_userinfo())
        return says(" must not carry a user name or password");
    if (auto const port = parsed->port(); !port.empty()) {
        // port_number() wraps a number over 65535 instead of refusing it.
        unsigned long value = 0;
        auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            return says(" has no valid port (1 to 65535)");
    }
    // The host is the creator's choice alone: a placeholder there ({source} comes from the
    // visitor's utm_source or Referer) would let anyone pick where the link sends people. Other
    // sample values must leave scheme, host and port as they were.
    auto const other = render_target(compiled, {"01JDZQ5C9M7R3K8T2V6W4X0Y2A", "other", "instagram", "7", "DE"});
    auto const other_parsed = boost::urls::parse_uri(other);
    if (!other_parsed || other_parsed->scheme() != parsed->scheme() ||
        other_parsed->encoded_authority() != parsed->encoded_authority())
        return says(" must not hold a placeholder in its scheme, host or port");
    return std::nullopt;
}

std::string expand_target(std::string_view target, std::string_view click_id)
{
    std::string out(target);
    if (out.find('{') == std::string::npos && out.find('%') == std::string::npos)
        return out;
    replace_all(out, k_click_id_placeholder, click_id, false);
    replace_all(out, "%7Bclick_id%7D", click_id, true);
    return out;
}

} // namespace linkledger::links
