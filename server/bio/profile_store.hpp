// SQL for the creator's public profile (one row) and the links shown on the bio page.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::bio {

struct profile {
    std::string handle;
    std::string display_name;
    std::string avatar_url; // empty: no avatar
    std::string language = "fr";
    bool published = true; // false: taken down, /@handle answers 404 until saved again
};

struct bio_card {
    std::string slug;
    std::string title;
    std::string disclosure;  // empty: no label
    std::string video_title; // the video the link was made for; empty: none or untitled
    // Promo codes followers can use with this link: active, valid now, of an active offer,
    // and given with the link (promo_codes.link_id) or, given with no link, made for the
    // link's video. Oldest first.
    std::vector<std::string> codes;
};

// A link marked for the bio page as the dashboard lists it to be ordered: every one of them, in
// page order, the hidden ones in their place with the reason followers do not see them.
struct bio_link {
    std::int64_t id = 0;
    std::string slug;
    std::string title; // empty: untitled
    int bio_position = 0;
    // Why the page leaves it out right now, by the rule the page itself follows: "turned_off"
    // (active false), "not_yet_valid", "expired", "out_of_clicks" (max_clicks reached), or
    // "too_many" (past the page's 100 cards). Empty: on the page.
    std::optional<std::string> hidden;
};

std::optional<profile> find_profile(pqxx::connection& conn);
// Throws pqxx::check_violation when a value breaks the table's rules.
// Saving publishes the page again after unpublish_profile.
profile save_profile(pqxx::transaction_base& tx, profile const& p);
// Takes the bio page down: its address answers 404 until the profile is saved again. The
// profile is kept (its language is also the one webhook messages are written in), and so are
// the links. The profile taken down; none when no page was published.
std::optional<profile> unpublish_profile(pqxx::transaction_base& tx);
// The published profile if `handle` (any case) is its handle, with the active bio links in order.
std::optional<profile> find_bio_page(pqxx::connection& conn, std::string const& handle,
                                     std::vector<bio_card>& cards);
// Every bio link (not deleted) in page order, with why each hidden one is hidden.
std::vector<bio_link> list_bio_links(pqxx::connection& conn);

} // namespace linkledger::bio
