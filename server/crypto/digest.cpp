#include "crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace linkledger::crypto {

sha256_digest sha256(std::string_view data)
{
    sha256_digest out{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr) != 1 ||
        size != out.size())
        throw std::runtime_error("OpenSSL SHA-256 failed");
    return out;
}

void to_hex_into(std::string_view bytes, std::string& out)
{
    static constexpr char digits[] = "0123456789abcdef";
    out.resize(bytes.size() * 2);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto const byte = static_cast<unsigned char>(bytes[i]);
        out[2 * i] = digits[byte >> 4];
        out[2 * i + 1] = digits[byte & 0x0f];
    }
}

std::string to_hex(std::string_view bytes)
{
    std::string out;
    to_hex_into(bytes, out);
    return out;
}

std::string sha256_hex(std::string_view data)
{
    auto const digest = sha256(data);
    return to_hex({reinterpret_cast<char const*>(digest.data()), digest.size()});
}

bool constant_time_equal(std::string_view a, std::string_view b)
{
    // The length of a hash or key is not secret; only its content is.
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    auto const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<unsigned char const*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

} // namespace linkledger::crypto
