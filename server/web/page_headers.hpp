// The security headers every HTML page and static asset of ours carries.
#pragma once

#include "http/types.hpp"

#include <string_view>

namespace linkledger::web {

// Dashboard and login: scripts and styles only from our own origin, never framed.
inline constexpr std::string_view k_dashboard_csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// The bio page runs no script at all; its small stylesheet is inline so the first load is
// one request (in-app browsers on slow phone networks).
inline constexpr std::string_view k_bio_csp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void add_page_headers(http::response& res, std::string_view csp);

} // namespace linkledger::web
