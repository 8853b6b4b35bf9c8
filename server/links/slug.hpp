// Short-link slugs: what a valid one looks like, which words are reserved, random ones.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkledger::links {

inline constexpr std::size_t k_max_slug_length = 64;
inline constexpr std::size_t k_random_slug_length = 7;

// True for [A-Za-z0-9_-]{1,64}.
bool is_well_formed_slug(std::string_view slug);

// True for paths the server itself answers (api, healthz, dashboard, ...), in any case.
bool is_reserved_slug(std::string_view slug);

// Why `slug` cannot be used for a new link, or nothing when it can.
std::optional<std::string> slug_problem(std::string_view slug);

// 7 random characters from [A-Za-z0-9].
std::string random_slug();

} // namespace linkledger::links
