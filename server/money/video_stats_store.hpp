// SQL for video statistics (migrations/0013_video_stats.sql): one function per query, each
// taking the caller's transaction or connection.
#pragma once

#include "money/video_stats_csv.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::money {

// What storing one day did: "created" (a new day), "updated" (a figure changed) or "unchanged".
// A figure given replaces the stored one; a figure left out keeps it: importing the same day
// again never adds to it.
std::string store_video_day(pqxx::transaction_base& tx, std::int64_t video_id, video_day_stats const& day);

// The stored days of a video, oldest first, with `from_day` <= day < `to_day` (empty: no bound).
std::vector<video_day_stats> list_video_days(pqxx::connection& conn, std::int64_t video_id,
                                             std::string const& from_day, std::string const& to_day);

bool video_exists(pqxx::transaction_base& tx, std::int64_t video_id);

// The video a row of an export names: by the platform's id when given, else by the id its link
// holds, else by the link itself (without query or trailing slash, case aside). The oldest such
// video when there are several.
std::optional<std::int64_t> find_video_by_reference(pqxx::transaction_base& tx, std::string const& url,
                                                    std::string const& platform_video_id);

struct imported_video {
    std::string platform;
    std::string url;
    std::string title;
    std::string posted_at; // PostgreSQL reads it (a date is midnight UTC); pqxx::data_exception if not
    std::string platform_video_id;
};
// A video an import creates (create_missing=true); its id.
std::int64_t insert_imported_video(pqxx::transaction_base& tx, imported_video const& v);

} // namespace linkledger::money
