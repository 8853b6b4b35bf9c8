// Clicks written straight into a click journal, as a redirect from TikTok's in-app browser
// would journal them, for tests that need clicks at chosen instants or while no server runs.
#pragma once

#include "clicks/click_journal.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

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

// A data directory of the server's whose journal a test writes before (or between) the server's
// runs: named by the test and the process, so two tests of one process never share it, empty at
// the start and removed at the end, also when the test fails half-way.
class journal_dir {
public:
    explicit journal_dir(std::string const& label)
        : path_(std::filesystem::temp_directory_path() / ("ll-" + label + "-" + std::to_string(::getpid())))
    {
        std::filesystem::remove_all(path_);
    }
    ~journal_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    journal_dir(journal_dir const&) = delete;
    journal_dir& operator=(journal_dir const&) = delete;

    // The directory, as server_process takes it.
    std::string string() const { return path_.string(); }
    // The journal in it, open for appending; its records are on disk once it is destroyed.
    clicks::click_journal journal() const { return clicks::click_journal(path_ / "journal"); }

private:
    std::filesystem::path path_;
};

// A UTC day as the API reads it, YYYY-MM-DD.
inline std::string day_text(std::chrono::sys_days day)
{
    std::chrono::year_month_day const ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return text;
}

} // namespace linkledger::testing
