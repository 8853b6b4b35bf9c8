// The creator's link-in-bio page, rendered on the server: plain HTML and an inline
// stylesheet, no script, so it loads in one request and works in in-app browsers.
#pragma once

#include "bio/profile_store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace linkledger::bio {

// The label French law 2023-451 asks for ("ad" -> "Publicité"), or its English equivalent
// when the page is in English; empty for no disclosure.
std::string_view disclosure_label(std::string_view disclosure, std::string_view language);

// "fr" or "en" for a visitor's Accept-Language header: whichever of the two the visitor ranks
// higher (q-value, then order); English when neither is listed, as the lingua franca.
std::string_view visitor_language(std::string_view accept_language);

// The 404 of /@handle for a handle that is not the creator's (or before one is saved), in
// `language`, styled like the page itself.
std::string render_missing_bio_page(std::string_view language, std::string_view stylesheet);

// Cards link to `public_url`/slug?utm_source=bio, so each click is counted with source "bio".
// A card's promo codes are shown under it, outside the link (a tap selects the code rather than
// leaving), each line with a disclosure: the card's, or "Publicité" when the card has none,
// since a promo code for a merchant is commercial content in itself (law 2023-451).
std::string render_bio_page(profile const& p, std::vector<bio_card> const& cards,
                            std::string_view public_url, std::string_view stylesheet);

} // namespace linkledger::bio
