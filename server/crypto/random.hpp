// Cryptographically secure random bytes and tokens, for click ids, slugs and secrets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linkledger::crypto {

// Fills `out` from OpenSSL's CSPRNG; throws std::runtime_error if it cannot.
void random_bytes(unsigned char* out, std::size_t size);

// Like random_bytes, but served from a per-thread buffer refilled 4 KiB at a time from the
// same CSPRNG: one OpenSSL call per ~400 click ids instead of one each (it costs ~7,000
// instructions a call). The bytes are as unpredictable; they just sit in memory a while.
void buffered_random_bytes(unsigned char* out, std::size_t size);

// A string of `length` characters drawn uniformly from `alphabet` (no modulo bias).
std::string random_string(std::size_t length, std::string_view alphabet);

inline constexpr std::string_view k_base62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

} // namespace linkledger::crypto
