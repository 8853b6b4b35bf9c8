// Classifies a click at redirect time: bot or person (and why), in-app browser, device, OS,
// and traffic source. Pure functions of the request, so they are unit-tested on real
// User-Agent strings.
#pragma once

#include "clicks/bot_detector.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace linkledger::clicks {

struct user_agent_traits {
    std::string bot_reason; // empty for a person
    std::string in_app;     // tiktok, instagram, threads, facebook, snapchat, youtube, pinterest, linkedin, x, none
    std::string device;     // mobile, tablet, desktop
    std::string os;         // ios, android, windows, macos, linux, other
};

// The in-app browser a User-Agent reveals, or "none".
std::string in_app_browser(std::string_view user_agent);
std::string device_type(std::string_view user_agent);
std::string operating_system(std::string_view user_agent);

// utm_source when present, else the in-app browser, else the Referer's host, else "direct".
std::string traffic_source(std::string_view utm_source, std::string_view in_app,
                           std::string_view referer);

class classifier {
public:
    explicit classifier(bot_detector const& bots);

    // Results for recent User-Agents are cached per thread: followers of one video share a
    // handful of app versions, and RE2::Set matching is the costly part.
    user_agent_traits classify(std::string_view user_agent) const;

private:
    user_agent_traits compute(std::string_view user_agent) const;
    bot_detector const& bots_;
    std::uint64_t id_; // tells this classifier's entries in the per-thread cache apart
};

} // namespace linkledger::clicks
