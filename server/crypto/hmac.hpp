// HMAC-SHA256 with one key for many messages: the key is set up once, so each message costs
// a hash, not an algorithm fetch (OpenSSL 3's one-shot HMAC() fetches every call).
#pragma once

#include <array>
#include <string>
#include <string_view>

struct evp_mac_ctx_st;

namespace linkledger::crypto {

class hmac_sha256 {
public:
    explicit hmac_sha256(std::string_view key);
    ~hmac_sha256();
    hmac_sha256(hmac_sha256&& other) noexcept;
    hmac_sha256& operator=(hmac_sha256&&) = delete;
    hmac_sha256(hmac_sha256 const&) = delete;
    hmac_sha256& operator=(hmac_sha256 const&) = delete;

    // The 32-byte MAC of `message`.
    std::string mac(std::string_view message);
    // The same, without a heap allocation (the shipper hashes every click).
    std::array<unsigned char, 32> mac_bytes(std::string_view message);

private:
    evp_mac_ctx_st* ctx_ = nullptr;
};

} // namespace linkledger::crypto
