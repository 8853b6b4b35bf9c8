#include "clicks/classifier.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace linkledger::clicks {
namespace {

bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

// A word that starts at a word boundary, like the \bInstagram of in-app detectors.
bool contains_word(std::string_view text, std::string_view word)
{
    for (auto pos = text.find(word); pos != std::string_view::npos; pos = text.find(word, pos + 1)) {
        if (pos == 0 || !(std::isalnum(static_cast<unsigned char>(text[pos - 1])) || text[pos - 1] == '_'))
            return true;
    }
    return false;
}

struct in_app_rule {
    std::string_view name;
    std::array<std::string_view, 5> markers;
};

// Order matters: TikTok's webview also says "Mobile Safari", Facebook's Instagram build says
// both, so the most specific app comes first. Markers: DESIGN.md field notes and inapp-spy.
constexpr std::array<in_app_rule, 9> k_in_app_rules{{
    {"tiktok", {"musical_ly", "BytedanceWebview", "Bytedance", "ByteLocale", "ttwebview"}},
    // Threads' in-app browser is Instagram's with the app's code name, Barcelona.
    {"threads", {"Barcelona", "", "", "", ""}},
    {"instagram", {"Instagram", "", "", "", ""}},
    {"facebook", {"FBAN/", "FBAV/", "FB_IAB", "MetaIAB", "FBIOS"}},
    {"snapchat", {"Snapchat", "", "", "", ""}},
    {"pinterest", {"Pinterest/", "[Pinterest", "", "", ""}},
    {"linkedin", {"LinkedInApp", "", "", "", ""}},
    {"youtube", {"com.google.ios.youtube", "YouTube/", "", "", ""}},
    {"x", {"TwitterAndroid", "Twitter for iPhone", "Twitter for iPad", "Twitter/", ""}},
}};

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

std::string in_app_browser(std::string_view ua)
{
    // "trill" is TikTok's name in some markets (trill_ in the app token).
    if (contains(ua, "trill_") || contains_word(ua, "TikTok"))
        return "tiktok";
    for (auto const& rule : k_in_app_rules) {
        for (auto marker : rule.markers) {
            if (marker.empty())
                continue;
            bool const hit = rule.name == "instagram" || rule.name == "threads" ? contains_word(ua, marker)
                                                                              : contains(ua, marker);
            if (hit)
                return std::string(rule.name);
        }
    }
    return "none";
}

std::string device_type(std::string_view ua)
{
    if (contains(ua, "iPad") || contains(ua, "Tablet") ||
        (contains(ua, "Android") && !contains(ua, "Mobile")))
        return "tablet";
    if (contains(ua, "Mobile") || contains(ua, "iPhone") || contains(ua, "iPod") ||
        contains(ua, "Android"))
        return "mobile";
    return "desktop";
}

std::string operating_system(std::string_view ua)
{
    if (contains(ua, "iPhone") || contains(ua, "iPad") || contains(ua, "iPod") ||
        contains(ua, "iOS"))
        return "ios";
    if (contains(ua, "Android"))
        return "android";
    // Desktop systems, for smart-redirect rules; ChromeOS and the rest stay "other".
    if (contains(ua, "Windows"))
        return "windows";
    if (contains(ua, "Macintosh") || contains(ua, "Mac OS X"))
        return "macos";
    if (contains(ua, "Linux") && !contains(ua, "CrOS"))
        return "linux";
    return "other";
}

std::string traffic_source(std::string_view utm_source, std::string_view in_app,
                           std::string_view referer)
{
    if (!utm_source.empty())
        return lower(utm_source.substr(0, 64));
    if (!in_app.empty() && in_app != "none")
        return std::string(in_app);
    if (!referer.empty()) {
        auto parsed = boost::urls::parse_absolute_uri(referer);
        if (parsed && !parsed->encoded_host().empty()) {
            auto host = lower(parsed->encoded_host());
            if (host.starts_with("www."))
                host.erase(0, 4);
            // "http://www./" leaves nothing: a click without a source would be a report row
            // without a name, so it counts as direct.
            if (!host.empty())
                return host.substr(0, 253);
        }
    }
    return "direct";
}

classifier::classifier(bot_detector const& bots) : bots_(bots)
{
    static std::atomic<std::uint64_t> next_id{1};
    id_ = next_id++;
}

user_agent_traits classifier::compute(std::string_view ua) const
{
    user_agent_traits traits;
    if (ua.empty())
        traits.bot_reason = "empty user agent";
    else if (auto reason = bots_.match(ua))
        traits.bot_reason = std::move(*reason);
    traits.in_app = in_app_browser(ua);
    traits.device = device_type(ua);
    traits.os = operating_system(ua);
    return traits;
}

user_agent_traits classifier::classify(std::string_view ua) const
{
    constexpr std::size_t k_cache_entries = 4096;
    // Looked up by the view it is given, without making a key string of it. Not noexcept on
    // purpose: libstdc++ then keeps each entry's hash code, as it did for std::hash<std::string>,
    // instead of hashing neighbouring User-Agents again while it walks a bucket.
    struct text_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    thread_local std::unordered_map<std::string, user_agent_traits, text_hash, std::equal_to<>> cache;
    thread_local std::uint64_t cache_owner = 0;
    if (cache_owner != id_) {
        cache.clear();
        cache_owner = id_;
    }
    if (auto const it = cache.find(ua); it != cache.end())
        return it->second;
    auto traits = compute(ua);
    // Dropping everything when full is crude but bounded, and the hot entries return at once.
    if (cache.size() >= k_cache_entries)
        cache.clear();
    cache.emplace(std::string(ua), traits);
    return traits;
}

} // namespace linkledger::clicks
