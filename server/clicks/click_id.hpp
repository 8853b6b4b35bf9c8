// Click ids: 128 bits, time-ordered, unguessable, URL-safe. The layout is ULID's: 48 bits of
// Unix milliseconds then 80 random bits, in Crockford base32 (26 characters), so ids sort by
// time as text and carry no character a URL must escape.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace linkledger::clicks {

inline constexpr std::size_t k_click_id_length = 26;

std::string new_click_id(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
// The same into `out` (replacing what it held): the redirect reuses one buffer.
void new_click_id(std::string& out, std::chrono::system_clock::time_point now);

bool is_valid_click_id(std::string_view id);

// The id as we minted it, from one a network or a person wrote another way: Crockford base32 is
// read without regard to case, with I and L as 1 and O as 0. Unchanged when that is not an id.
std::string canonical_click_id(std::string_view text);

// The millisecond timestamp an id carries (for ids that pass is_valid_click_id).
std::uint64_t click_id_millis(std::string_view id);

} // namespace linkledger::clicks
