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
    std::int16_t rule = -1; // the smart-redirect rule that chose the target (see below)
};

// click::rule: the index of the link's rule that matched, or one of these.
inline constexpr std::int16_t k_no_rule = -1;      // the link's own target (stored as NULL)
inline constexpr std::int16_t k_expired_rule = -2; // past its validity: the link's expired_url

// The journal payload of a click (no framing); fields are length-prefixed. Written in the
// current format (2: with the rule); format 1, written by versions before smart redirects,
// is still read (rule k_no_rule), since a data dir may hold unshipped clicks across an upgrade.
std::string encode_click(click const& c);
// The same, appended to `out` (the redirect stages into a buffer it keeps: no allocation).
void append_encoded_click(std::string& out, click const& c);
// Nothing when `payload` is not a whole, well-formed encoding.
std::optional<click> decode_click(std::string_view payload);
// The same into `c`, whose strings keep their capacity (the shipper decodes into the clicks of
// its previous batch); on false `c` is partly overwritten.
bool decode_click_into(std::string_view payload, click& c);

} // namespace linkledger::clicks
