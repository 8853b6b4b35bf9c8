#include "links/slug.hpp"

#include "crypto/random.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace linkledger::links {
namespace {

// Paths of the server's own pages and APIs, present and planned, plus words a visitor would
// take for a page of the site rather than a creator's link.
constexpr std::array<std::string_view, 24> k_reserved{
    "api",     "healthz", "readyz",  "metrics", "dashboard", "login",  "logout",  "static",
    "postback", "webhooks", "admin",  "assets",  "status",    "docs",   "help",    "settings",
    "signup",  "register", "account", "qr",      "favicon",   "robots", "sitemap", "well-known"};

} // namespace

bool is_well_formed_slug(std::string_view slug)
{
    return !slug.empty() && slug.size() <= k_max_slug_length &&
           std::all_of(slug.begin(), slug.end(), [](unsigned char c) {
               return std::isalnum(c) != 0 || c == '_' || c == '-';
           });
}

bool is_reserved_slug(std::string_view slug)
{
    std::string lower(slug);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(k_reserved.begin(), k_reserved.end(), lower) != k_reserved.end();
}

std::optional<std::string> slug_problem(std::string_view slug)
{
    if (!is_well_formed_slug(slug))
        return "slug must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'";
    if (is_reserved_slug(slug))
        return "slug '" + std::string(slug) + "' is reserved";
    return std::nullopt;
}

std::string random_slug()
{
    return crypto::random_string(k_random_slug_length, crypto::k_base62);
}

} // namespace linkledger::links
