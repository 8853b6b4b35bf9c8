// Clicks written straight into a click journal, as a redirect from TikTok's in-app browser
// would journal them, for tests that need clicks at chosen instants or while no server runs.
#pragma once

#include "clicks/click_journal.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace linkledger::testing {

// A visitor is its (anonymised) address with its User-Agent: the same pair on the same link and
// UTC day is one unique visitor.
inline clicks::click journal_click(std::string click_id, std::int64_t link_id, std::chrono::system_clock::time_point at,
                                   std::string ip_anon, bool bot = false,
                                   std::string user_agent = "Mozilla/5.0 (iPhone) musical_ly")
{
    clicks::click c;
    c.click_id = std::move(click_id);
    c.link_id = link_id;
    c.at = at;
    c.ip_anon = std::move(ip_anon);
    c.user_agent = std::move(user_agent);
    c.source = "tiktok";
    c.in_app = "tiktok";
    c.device = "mobile";
    c.os = "ios";
    c.country = "FR";
    c.bot = bot;
    c.bot_reason = bot ? "test" : "";
    return c;
}

} // namespace linkledger::testing
