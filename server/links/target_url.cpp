#include "links/target_url.hpp"

#include "http/percent_decoding.hpp"
#include "http/written_authority.hpp"
#include "links/smart_link.hpp"

#include <boost/url/ipv4_address.hpp>
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

// A host a browser reads as an IPv4 address: a dotted quad as RFC 3986 writes one (Boost.URL's
// own parser), and the trailing dot of a fully qualified name.
bool is_dotted_quad(std::string_view host)
{
    if (host.size() > 1 && host.back() == '.')
        host.remove_suffix(1);
    return boost::urls::parse_ipv4_address(host).has_value();
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
    // The authority as written: Boost.URL reads https://10.0.0.5.nip.io/ as the host 10.0.0.5 and
    // the path ".nip.io/" (http/written_authority.hpp); the follower's browser reads the name.
    auto const written = http::authority_as_written(sample);
    if (parsed->has_userinfo() || written.userinfo)
        return says(" must not carry a user name or password");
    if (auto const port = written.port; !port.empty()) {
        // port_number() wraps a number over 65535 instead of refusing it.
        unsigned long value = 0;
        auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            return says(" has no valid port (1 to 65535)");
    }
    // A browser reads a host that ends in a number as an IPv4 address and, when it is not one
    // (1.2.3.4.5, 256.1.1.1, shop.example.123), shows the follower an error page. It reads the
    // host percent-decoded (1.2.3.4%2e5 is 1.2.3.4.5).
    auto const host = http::percent_decoded(written.host, http::plus_sign::literal);
    if (parsed->host_type() != boost::urls::host_type::ipv6 && http::ends_in_a_number(host) && !is_dotted_quad(host))
        return says(" has a host that ends in a number: a browser reads it as an IPv4 address, to be written as four numbers from 0 to 255");
    // The host is the creator's choice alone: a placeholder there ({source} comes from the
    // visitor's utm_source or Referer) would let anyone pick where the link sends people. Other
    // sample values must leave scheme, host and port as they were.
    auto const other = render_target(compiled, {"01JDZQ5C9M7R3K8T2V6W4X0Y2A", "other", "instagram", "7", "DE"});
    auto const other_parsed = boost::urls::parse_uri(other);
    auto const other_written = http::authority_as_written(other);
    if (!other_parsed || other_parsed->scheme() != parsed->scheme() ||
        other_parsed->encoded_authority() != parsed->encoded_authority() ||
        other_written.host != written.host || other_written.port != written.port)
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
