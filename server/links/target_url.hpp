// Link targets: validation of what a creator may redirect to, and the `{click_id}`
// placeholder that carries the click id to the merchant or network.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkledger::links {

inline constexpr std::size_t k_max_target_length = 2048;
inline constexpr std::string_view k_click_id_placeholder = "{click_id}";

// Why `url` cannot be a link target, or nothing when it can: it must be an absolute http(s)
// URL with a host, at most 2048 bytes, optionally holding the placeholders `{click_id}`,
// `{slug}`, `{source}`, `{video_id}` and `{country}` (see smart_link.hpp). The reason begins
// with `field`, the name the client gave the URL under (a video's "url", "expired_url").
std::optional<std::string> target_url_problem(std::string_view url, std::string_view field = "target_url");

// The target with every `{click_id}` (also percent-encoded as `%7Bclick_id%7D`) replaced.
std::string expand_target(std::string_view target, std::string_view click_id);

} // namespace linkledger::links
