// A click as the redirect sees it, and its binary form in the click journal.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkledger::clicks {

struct click {
    std::string click_id;
    std::int64_t link_id = 0;
    std::chrono::system_clock::time_point at;
    std::string ip_anon;
    std::string user_agent;
    std::string referer;
    std::string utm_source, utm_medium, utm_campaign, utm_term, utm_content;
    std::string source;  // traffic source (utm_source, in-app browser, referer host, direct)
    std::string in_app;  // tiktok, instagram, ... or none
    std::string device;  // mobile, tablet, desktop
    std::string os;      // ios, android, other
    std::string country; // ISO 3166 alpha-2 or "unknown"
    bool bot = false;    // bots, previewers and HEAD requests: redirected, not counted
    std::string bot_reason;
};

// The journal payload of a click (no framing); fields are length-prefixed.
std::string encode_click(click const& c);
// Nothing when `payload` is not a whole, well-formed encoding.
std::optional<click> decode_click(std::string_view payload);

} // namespace linkledger::clicks
