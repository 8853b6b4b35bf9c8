// Video statistics as creator-analytics exports write them (TikTok Studio, Instagram, YouTube
// Studio, in English or French): the header's column names, counts such as "12 345", "1.2K" or
// "1,2 k", watch times such as "8.4s" or "0:08", and dates, read into typed days. Pure parsing,
// no database: the import endpoint, the JSON endpoint and the unit tests share it.
#pragma once

#include "money/csv_records.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::money {

// One video's figures for one day; every figure is optional (exports differ in what they carry).
struct video_day_stats {
    std::string day; // YYYY-MM-DD, the creator's calendar date as the platform reports it
    std::optional<std::int64_t> views;
    std::optional<std::int64_t> likes;
    std::optional<std::int64_t> comments;
    std::optional<std::int64_t> shares;
    std::optional<std::int64_t> average_watch_ms;
    std::optional<std::int64_t> followers_gained;

    bool has_a_figure() const
    {
        return views || likes || comments || shares || average_watch_ms || followers_gained;
    }
};

// A row of an export: which video (by link or by the platform's id) and its day.
struct video_stats_row {
    std::string video_url;         // as written, trimmed; may be empty when an id is given
    std::string platform_video_id; // the platform's id, when the file has an id column
    std::string title;             // for a video the import creates
    std::string platform;          // idem; empty: guessed from the URL
    std::string posted_at;         // idem; empty: the earliest day of the video in the file
    video_day_stats stats;
};

struct video_stats_csv {
    std::vector<std::string> columns;         // canonical name per position; "" for one not imported
    std::vector<std::string> unknown_columns; // as written in the header
    std::vector<csv_record> records;
    bool day_first = true; // 03/11/2026 is 3 November (a French header), else 11 March
};

// The separator, header and records of an export. Throws http_error 400 (field "body") for a
// file without a date column or without a video link or id column, or that csv_records refuses.
// Columns the header names that are neither known nor known to be left out (reach, profile
// views, ...) are listed in unknown_columns, their cells ignored.
video_stats_csv parse_video_stats_csv(std::string_view text);

// One record as a row. Throws http_error 400 naming the column at fault ("views", "date", ...):
// a negative count, a number it cannot read, a date it cannot read or after `latest_day`.
video_stats_row video_stats_from_csv_record(video_stats_csv const& csv, csv_record const& record,
                                            std::chrono::sys_days latest_day);

// The pieces, for the JSON endpoint and the tests. Blank cells and the exports' "-", "--" and
// "N/A" are nothing (the figure is unknown). Each throws http_error 400 naming `field`.
// Counts: "1234", "1,234", "1 234" (with a narrow no-break space, as French exports write),
// "1.2K", "1,2 k", "3M", "1.5B"; never negative, never a fraction (except before K, M, B).
std::optional<std::int64_t> read_count(std::string_view text, std::string const& field);
// Watch time in seconds: "8.4", "8,4 s", "8s", "0:08", "1:02:03", "1m 5s"; milliseconds out.
std::optional<std::int64_t> read_watch_ms(std::string_view text, std::string const& field);
// "2026-11-30" (a time after it is ignored), "30/11/2026" or "11/30/2026" (by `day_first`
// unless one part is above 12), "30.11.2026"; refused after `latest_day`.
std::string read_day(std::string_view text, std::string const& field, bool day_first,
                     std::chrono::sys_days latest_day);

// The latest calendar date any creator can report at `now`: tomorrow in UTC, since zones run
// up to 14 hours ahead of it.
std::chrono::sys_days latest_reportable_day(std::chrono::system_clock::time_point now);

// Caps: counts up to 10^12, an average watch time up to a day.
inline constexpr std::int64_t k_max_video_count = 1'000'000'000'000;
inline constexpr std::int64_t k_max_watch_ms = 86'400'000;

} // namespace linkledger::money
