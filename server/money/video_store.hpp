// SQL for videos: one function per query, each taking the caller's connection.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::money {

struct video {
    std::int64_t id = 0;
    std::string platform; // tiktok, instagram, youtube, ...
    std::string url;
    std::string title;
    std::string posted_at;  // ISO 8601, UTC, to the second
    std::string created_at;
};

struct new_video {
    std::string platform = "tiktok";
    std::string url;
    std::string title;
    std::string posted_at; // as the client gave it; PostgreSQL reads it
};

// Absent fields keep their value; none of them can be cleared.
struct video_changes {
    std::optional<std::string> platform;
    std::optional<std::string> url;
    std::optional<std::string> title;
    std::optional<std::string> posted_at;
};

// A posted_at PostgreSQL cannot read throws pqxx::data_exception.
video insert_video(pqxx::transaction_base& tx, new_video const& v);
std::optional<video> find_video(pqxx::connection& conn, std::int64_t id);
// Newest first; `before_id` 0 starts at the newest. A non-empty `pattern` (http::search_pattern)
// keeps the videos whose title or URL matches it, case aside.
std::vector<video> list_videos(pqxx::connection& conn, std::int64_t before_id, int limit,
                               std::string const& pattern = {});
std::optional<video> update_video(pqxx::transaction_base& tx, std::int64_t id, video_changes const& c);

} // namespace linkledger::money
