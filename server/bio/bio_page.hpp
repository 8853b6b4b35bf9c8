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

// Cards link to `public_url`/slug?utm_source=bio, so each click is counted with source "bio".
std::string render_bio_page(profile const& p, std::vector<bio_card> const& cards,
                            std::string_view public_url, std::string_view stylesheet);

} // namespace linkledger::bio
