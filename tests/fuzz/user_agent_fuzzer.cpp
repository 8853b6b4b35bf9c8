// The redirect's classification of a follower: User-Agent (bots by ~1,500 RE2 patterns, in-app
// browser, device, OS), Referer and utm_source. Input: UA, then optionally "\n" Referer and
// "\n" utm_source. Every answer must come from the documented sets, and the per-thread cache
// must answer exactly what a fresh classification does.
#include "clicks/bot_detector.hpp"
#include "clicks/classifier.hpp"
#include "clicks/embedded_bot_patterns.hpp"
#include "fuzz_check.hpp"

#include <cstdint>
#include <string>

using namespace linkledger;
using fuzz::expect;
using fuzz::one_of;

namespace {

std::string_view take_line(std::string_view& text)
{
    auto const end = text.find('\n');
    auto const line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    return line;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    static clicks::bot_detector const bots(clicks::embedded_bot_patterns());
    static clicks::classifier const classifier(bots);

    std::string_view text(reinterpret_cast<char const*>(data), size);
    auto const user_agent = take_line(text);
    auto const referer = take_line(text);
    auto const utm_source = take_line(text);

    auto const traits = classifier.classify(user_agent);
    expect(one_of(traits.in_app, {"tiktok", "instagram", "threads", "facebook", "snapchat", "youtube", "pinterest",
                                  "linkedin", "x", "none"}),
           "in_app is one of the documented browsers");
    expect(one_of(traits.device, {"mobile", "tablet", "desktop"}), "device is mobile, tablet or desktop");
    expect(one_of(traits.os, {"ios", "android", "windows", "macos", "linux", "other"}),
           "os is ios, android, windows, macos, linux or other");
    expect(!user_agent.empty() || traits.bot_reason == "empty user agent", "an empty user agent is not a click");
    expect(traits.in_app == clicks::in_app_browser(user_agent), "classify agrees with in_app_browser");

    auto const again = classifier.classify(user_agent); // now from the cache
    expect(again.bot_reason == traits.bot_reason && again.in_app == traits.in_app &&
               again.device == traits.device && again.os == traits.os,
           "the cache answers what the classification did");
    auto const direct = bots.match(user_agent);
    expect(user_agent.empty() || direct.value_or("") == traits.bot_reason, "classify agrees with the bot detector");

    auto const source = clicks::traffic_source(utm_source, traits.in_app, referer);
    expect(!source.empty() || !utm_source.empty(), "a click always has a traffic source");
    expect(source.size() <= 253, "a traffic source is at most a host name long");
    if (utm_source.empty() && traits.in_app == "none" && referer.empty())
        expect(source == "direct", "no utm_source, in-app browser or Referer is direct");
    return 0;
}
