// SQL for links: one function per query, each taking the caller's connection.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <chrono>
#include <cstdint>
#include <functional>
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
    // Smart redirects (issue 14).
    bool forward_query = true;
    std::string rules = "[]"; // the normalized rules (smart_link.hpp: parse_rules), JSON text
    std::optional<std::chrono::system_clock::time_point> valid_from, valid_until;
    std::optional<std::int64_t> max_clicks;
    std::optional<std::string> expired_url;
    std::string open_in_browser = "off"; // or "auto"
    std::optional<std::string> deleted_at; // ISO 8601, UTC; only find_link_even_deleted sees one
    std::int64_t revision = 1; // counted up by every change (migration 0039)
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
    // Smart redirects (issue 14).
    bool forward_query = true;
    std::string rules = "[]"; // the normalized rules (smart_link.hpp: parse_rules), JSON text
    std::optional<std::chrono::system_clock::time_point> valid_from, valid_until;
    std::optional<std::int64_t> max_clicks;
    std::optional<std::string> expired_url;
    std::string open_in_browser = "off"; // or "auto"
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
    std::optional<bool> forward_query;
    std::optional<std::string> rules;
    std::optional<std::optional<std::chrono::system_clock::time_point>> valid_from, valid_until;
    std::optional<std::optional<std::int64_t>> max_clicks;
    std::optional<std::optional<std::string>> expired_url;
    std::optional<std::string> open_in_browser;
};

// Writes take the caller's transaction, which also records the change's audit entry.

// Throws pqxx::unique_violation when the slug is taken, foreign_key_violation for an unknown
// offer or video.
link insert_link(pqxx::transaction_base& tx, new_link const& l);
std::optional<link> find_link(pqxx::connection& conn, std::int64_t id);
// A deleted link too (its page keeps its history); every other read sees live links only.
std::optional<link> find_link_even_deleted(pqxx::connection& conn, std::int64_t id);
// Newest first; `before_id` 0 starts at the newest. A non-empty `pattern` (http::search_pattern)
// keeps the links whose title or slug matches it, case aside.
std::vector<link> list_links(pqxx::connection& conn, std::int64_t before_id, int limit,
                             std::string const& pattern = {});
std::optional<link> update_link(pqxx::transaction_base& tx, std::int64_t id, link_changes const& c);
// Soft delete: the row stays so its slug answers 410 and is never reused.
std::optional<link> delete_link(pqxx::transaction_base& tx, std::int64_t id);
// Replaces a link's rules with what `rewrite` makes of the stored ones, in one transaction
// holding the row (two presets at once cannot lose each other's rules). `rewrite` may throw
// to refuse; nothing is then saved.
std::optional<link> rewrite_rules(pqxx::transaction_base& tx, std::int64_t id,
                                  std::function<std::string(std::string const& stored)> const& rewrite);

} // namespace linkledger::links
