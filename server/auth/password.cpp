#include "auth/password.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <charconv>
#include <memory>
#include <stdexcept>
#include <vector>

namespace linkledger::auth {
namespace {

constexpr std::size_t k_salt_bytes = 16;
constexpr std::size_t k_hash_bytes = 32;
// Large enough for N = 2^15, r = 8 (128 * N * r = 32 MiB) with room to raise N once.
constexpr std::uint64_t k_max_memory = 128ull * 1024 * 1024;

std::string scrypt(std::string_view password, std::string_view salt, scrypt_params params)
{
    std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr),
                                                         &EVP_KDF_free);
    if (!kdf)
        throw std::runtime_error("OpenSSL has no SCRYPT KDF");
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()),
                                                                 &EVP_KDF_CTX_free);
    std::uint64_t n = params.n;
    std::uint32_t r = params.r;
    std::uint32_t p = params.p;
    std::uint64_t maxmem = k_max_memory;
    OSSL_PARAM ossl[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(password.data()),
                                          password.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                          salt.size()),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end()};
    std::string out(k_hash_bytes, '\0');
    if (!ctx || EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(),
                               ossl) != 1)
        throw std::runtime_error("scrypt derivation failed");
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        auto const end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos)
            return parts;
        start = end + 1;
    }
}

bool from_hex(std::string_view hex, std::string& out)
{
    if (hex.size() % 2 != 0)
        return false;
    out.clear();
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        unsigned value = 0;
        auto const [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
        if (ec != std::errc{} || ptr != hex.data() + i + 2)
            return false;
        out.push_back(static_cast<char>(value));
    }
    return true;
}

template <class T>
bool parse_number(std::string_view text, T& value)
{
    auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

} // namespace

std::string hash_password(std::string_view password, scrypt_params params)
{
    std::string salt(k_salt_bytes, '\0');
    crypto::random_bytes(reinterpret_cast<unsigned char*>(salt.data()), salt.size());
    return "scrypt$" + std::to_string(params.n) + "$" + std::to_string(params.r) + "$" +
           std::to_string(params.p) + "$" + crypto::to_hex(salt) + "$" +
           crypto::to_hex(scrypt(password, salt, params));
}

bool verify_password(std::string_view password, std::string_view stored)
{
    auto const parts = split(stored, '$');
    if (parts.size() != 6 || parts[0] != "scrypt")
        return false;
    scrypt_params params;
    std::string salt;
    std::string expected;
    if (!parse_number(parts[1], params.n) || !parse_number(parts[2], params.r) ||
        !parse_number(parts[3], params.p) || !from_hex(parts[4], salt) ||
        !from_hex(parts[5], expected) || expected.size() != k_hash_bytes)
        return false;
    try {
        return crypto::constant_time_equal(scrypt(password, salt, params), expected);
    } catch (std::runtime_error const&) {
        return false; // parameters beyond what we allow: not a password of ours
    }
}

std::string generate_password()
{
    return crypto::random_string(20, crypto::k_base62);
}

std::string password_problem(std::string_view password)
{
    if (password.size() < 10)
        return "the password must be at least 10 characters long";
    if (password.size() > 200)
        return "the password must be at most 200 characters long";
    for (unsigned char c : password)
        if (c < 0x20 || c == 0x7f)
            return "the password must not hold control characters";
    return {};
}

} // namespace linkledger::auth
