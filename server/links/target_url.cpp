#include "links/target_url.hpp"

#include "links/smart_link.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>

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

} // namespace

std::optional<std::string> target_url_problem(std::string_view url)
{
    if (url.empty())
        return "target_url is required";
    if (url.size() > k_max_target_length)
        return "target_url must be at most 2048 bytes";
    // Braces are not valid in a URL, so placeholders are checked in the place of sample values.
    auto const sample = render_target(compile_target(url), {"01JDZQ5C9M7R3K8T2V6W4X0Y1Z", "lea-bio", "tiktok", "42", "FR"});
    // parse_uri, not parse_absolute_uri: the latter refuses a #fragment, which shop
    // targets carry (hash-routed product pages).
    auto parsed = boost::urls::parse_uri(sample);
    if (!parsed)
        return "target_url must be an absolute URL (" + parsed.error().message() + ")";
    auto const scheme = parsed->scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
        return "target_url must start with http:// or https://";
    if (parsed->encoded_host().empty())
        return "target_url must name a host";
    if (parsed->has_userinfo())
        return "target_url must not carry a user name or password";
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
