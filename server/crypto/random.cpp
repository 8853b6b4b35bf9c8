#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <limits>
#include <stdexcept>
#include <vector>

namespace linkledger::crypto {

void random_bytes(unsigned char* out, std::size_t size)
{
    if (size > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        RAND_bytes(out, static_cast<int>(size)) != 1)
        throw std::runtime_error("OpenSSL RAND_bytes failed");
}

std::string random_string(std::size_t length, std::string_view alphabet)
{
    if (alphabet.empty() || alphabet.size() > 256)
        throw std::invalid_argument("random_string: alphabet must hold 1 to 256 characters");
    // Bytes at or above the largest multiple of the alphabet size are rejected, so every
    // character is equally likely.
    auto const limit = 256 - (256 % alphabet.size());
    std::string out;
    out.reserve(length);
    std::vector<unsigned char> pool(length + 16);
    while (out.size() < length) {
        random_bytes(pool.data(), pool.size());
        for (auto byte : pool) {
            if (byte >= limit)
                continue;
            out.push_back(alphabet[byte % alphabet.size()]);
            if (out.size() == length)
                break;
        }
    }
    return out;
}

} // namespace linkledger::crypto
