// SQL for links: one function per query, each taking the caller's connection.
#pragma once

#include <pqxx/connection>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::links {

struct link {
    std::int64_t id = 0;
    std::string slug;
    std::string target_url;
    std::string title;
    bool active = true;
    std::int64_t clicks = 0;
    std::string created_at; // ISO 8601, UTC
    std::string updated_at;
    bool bio = false;       // shown on the bio page
    int bio_position = 0;   // order on the bio page, smallest first
    std::optional<std::string> disclosure; // "ad", "collaboration", "affiliate" or none
    std::optional<std::int64_t> offer_id; // what the link sells, and the video it is for
    std::optional<std::int64_t> video_id;
};

struct new_link {
    std::string slug;
    std::string target_url;
    std::string title;
    bool bio = false;
    int bio_position = 0;
    std::optional<std::string> disclosure;
    std::optional<std::int64_t> offer_id;
    std::optional<std::int64_t> video_id;
};

struct link_changes {
    std::optional<std::string> target_url;
    std::optional<std::string> title;
    std::optional<bool> active;
    std::optional<bool> bio;
    std::optional<int> bio_position;
    std::optional<std::optional<std::string>> disclosure; // set to none clears it
    std::optional<std::optional<std::int64_t>> offer_id; // set to a value or to null
    std::optional<std::optional<std::int64_t>> video_id;
};

// Throws pqxx::unique_violation when the slug is taken, foreign_key_violation for an unknown
// offer or video.
link insert_link(pqxx::connection& conn, new_link const& l);
std::optional<link> find_link(pqxx::connection& conn, std::int64_t id);
// Newest first; `before_id` 0 starts at the newest.
std::vector<link> list_links(pqxx::connection& conn, std::int64_t before_id, int limit);
std::optional<link> update_link(pqxx::connection& conn, std::int64_t id, link_changes const& c);
// Soft delete: the row stays so its slug answers 410 and is never reused.
std::optional<link> delete_link(pqxx::connection& conn, std::int64_t id);

} // namespace linkledger::links
