// Reading the Cookie header and writing Set-Cookie values for the dashboard's cookies.
#pragma once

#include "http/types.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace linkledger::http {

// The value of cookie `name` in the request's Cookie header(s), or nothing.
std::optional<std::string> cookie(request const& req, std::string_view name);

struct cookie_options {
    std::string path = "/";
    std::string same_site = "Lax";
    bool secure = false;                      // set when the public URL is https
    std::optional<std::chrono::seconds> max_age; // nothing: a browser-session cookie
};

// A Set-Cookie value; always HttpOnly (no script of ours needs to read these).
std::string set_cookie(std::string_view name, std::string_view value, cookie_options const& o);

} // namespace linkledger::http
