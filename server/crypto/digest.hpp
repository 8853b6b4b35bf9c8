// Hashes and constant-time comparison used for API keys and migration checksums.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace linkledger::crypto {

using sha256_digest = std::array<unsigned char, 32>;

sha256_digest sha256(std::string_view data);
std::string to_hex(std::string_view bytes);
// The same into `out`, replacing what it held: a caller doing this per click keeps one string.
void to_hex_into(std::string_view bytes, std::string& out);
std::string sha256_hex(std::string_view data);
// Standard base64 with padding (as Shopify and WooCommerce send their HMACs).
std::string base64(std::string_view bytes);

// Compares without an early exit, so the time taken says nothing about where inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace linkledger::crypto
