#include "crypto/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>

namespace linkledger::crypto {

hmac_sha256::hmac_sha256(std::string_view key)
{
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr)
        throw std::runtime_error("OpenSSL: HMAC unavailable");
    ctx_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac); // the context keeps its own reference
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx_ == nullptr ||
        EVP_MAC_init(ctx_, reinterpret_cast<unsigned char const*>(key.data()), key.size(), params) != 1)
        throw std::runtime_error("OpenSSL: HMAC-SHA256 setup failed");
}

hmac_sha256::~hmac_sha256()
{
    EVP_MAC_CTX_free(ctx_);
}

hmac_sha256::hmac_sha256(hmac_sha256&& other) noexcept : ctx_(other.ctx_)
{
    other.ctx_ = nullptr;
}

std::array<unsigned char, 32> hmac_sha256::mac_bytes(std::string_view message)
{
    // A null key re-initialises with the key already set.
    std::array<unsigned char, 32> out{};
    std::size_t size = 0;
    if (EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx_, reinterpret_cast<unsigned char const*>(message.data()), message.size()) != 1 ||
        EVP_MAC_final(ctx_, out.data(), &size, out.size()) != 1 || size != out.size())
        throw std::runtime_error("OpenSSL: HMAC-SHA256 failed");
    return out;
}

std::string hmac_sha256::mac(std::string_view message)
{
    auto const out = mac_bytes(message);
    return {reinterpret_cast<char const*>(out.data()), out.size()};
}

} // namespace linkledger::crypto
