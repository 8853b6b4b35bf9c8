// The security headers of browser-facing responses: every page, static asset, QR code and
// error page of ours. Handlers set the Content-Security-Policy of their own pages; the
// router's response hook (finish_response) adds what every response needs and a strict
// default policy for any page that set none.
#pragma once

#include "http/types.hpp"

#include <string>
#include <string_view>

namespace linkledger::web {

// Dashboard and login: scripts and styles only from our own files (no inline script or
// style attribute anywhere in web/dashboard/), never framed.
inline constexpr std::string_view k_dashboard_csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Whatever else a browser may render (error pages, QR SVGs): nothing may load or run.
inline constexpr std::string_view k_default_csp =
    "default-src 'none'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// HSTS for a year. No includeSubDomains: other names under the creator's domain may still
// be served over plain http, and this server cannot know.
inline constexpr std::string_view k_hsts = "max-age=31536000";

// The bio page runs no script at all. Its small stylesheet is inline so the first load is
// one request (in-app browsers on slow phone networks); the policy allows exactly that
// stylesheet by its SHA-256, not inline styles in general.
std::string const& bio_csp();
// The CSP source expression 'sha256-<base64>' of an inline <style> or <script> content.
std::string csp_hash(std::string_view inline_content);

// Content-Security-Policy `csp`, nosniff, no framing, and a same-origin Referrer-Policy.
void add_page_headers(http::response& res, std::string_view csp);

// Is `req` served over https: the public URL is https, or a trusted proxy said so (the
// listener drops X-Forwarded-Proto from anyone else).
bool served_over_https(http::request const& req, bool public_url_is_https);

// The router's response hook: nosniff on everything; HSTS over https; and on HTML or SVG
// that set no policy, k_default_csp with X-Frame-Options and Referrer-Policy.
void finish_response(http::request const& req, http::response& res, bool public_url_is_https);

} // namespace linkledger::web
