#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
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

void buffered_random_bytes(unsigned char* out, std::size_t size)
{
    constexpr std::size_t k_pool_bytes = 4096;
    thread_local std::array<unsigned char, k_pool_bytes> pool{};
    thread_local std::size_t used = k_pool_bytes;
    while (size > 0) {
        if (used == k_pool_bytes) {
            random_bytes(pool.data(), pool.size());
            used = 0;
        }
        auto const n = std::min(size, k_pool_bytes - used);
        std::memcpy(out, pool.data() + used, n);
        // Served bytes are wiped, so a later memory disclosure cannot replay them.
        std::memset(pool.data() + used, 0, n);
        used += n;
        out += n;
        size -= n;
    }
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
