#include "clicks/crc32.hpp"

#include <array>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace linkledger::clicks {
namespace {

// Slicing-by-8 tables: eight bytes a step instead of one.
std::array<std::array<std::uint32_t, 256>, 8> make_crc_tables()
{
    std::array<std::array<std::uint32_t, 256>, 8> tables{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        tables[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i)
        for (std::size_t t = 1; t < 8; ++t)
            tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xff];
    return tables;
}

// `c` is the running register (not yet inverted at the end).
std::uint32_t crc_tables(std::uint32_t c, unsigned char const* p, std::size_t n)
{
    static auto const t = make_crc_tables();
    while (n >= 8) {
        std::uint32_t const lo = c ^ (static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                                      static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24);
        c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
            t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c;
}

#if defined(__x86_64__)
#define LINKLEDGER_FOLDING __attribute__((target("pclmul,sse4.1")))

LINKLEDGER_FOLDING inline __m128i load16(unsigned char const* at)
{
    return _mm_loadu_si128(reinterpret_cast<__m128i const*>(at));
}

LINKLEDGER_FOLDING inline __m128i constants(std::uint64_t const (&k)[2])
{
    return _mm_load_si128(reinterpret_cast<__m128i const*>(k));
}

// x times the folding constants, added to the next 16 bytes.
LINKLEDGER_FOLDING inline __m128i fold16(__m128i x, __m128i k, __m128i next)
{
    return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x11), _mm_clmulepi64_si128(x, k, 0x00)), next);
}

// Folding with carry-less multiplication, 64 bytes a step: "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction" (Gopal, Ozturk et al., Intel, 2009), with the
// constants of its appendix for this polynomial, bit-reflected; the same computation as the
// Linux kernel's crc32-pclmul and Chromium's zlib. A journaled click is 300-500 bytes.
// `n` is at least 64 and a multiple of 16; `c` is the running register.
LINKLEDGER_FOLDING std::uint32_t crc_folded(std::uint32_t c, unsigned char const* p, std::size_t n)
{
    alignas(16) static constexpr std::uint64_t k1k2[] = {0x0154442bd4, 0x01c6e41596};
    alignas(16) static constexpr std::uint64_t k3k4[] = {0x01751997d0, 0x00ccaa009e};
    alignas(16) static constexpr std::uint64_t k5k0[] = {0x0163cd6124, 0x0000000000};
    alignas(16) static constexpr std::uint64_t poly[] = {0x01db710641, 0x01f7011641};

    __m128i x1 = _mm_xor_si128(load16(p), _mm_cvtsi32_si128(static_cast<int>(c)));
    __m128i x2 = load16(p + 16);
    __m128i x3 = load16(p + 32);
    __m128i x4 = load16(p + 48);
    p += 64;
    n -= 64;
    __m128i k = constants(k1k2);
    for (; n >= 64; p += 64, n -= 64) {
        x1 = fold16(x1, k, load16(p));
        x2 = fold16(x2, k, load16(p + 16));
        x3 = fold16(x3, k, load16(p + 32));
        x4 = fold16(x4, k, load16(p + 48));
    }
    k = constants(k3k4);
    x1 = fold16(x1, k, x2);
    x1 = fold16(x1, k, x3);
    x1 = fold16(x1, k, x4);
    for (; n >= 16; p += 16, n -= 16)
        x1 = fold16(x1, k, load16(p));

    // 128 bits to 64, then Barrett reduction to 32.
    __m128i const low32 = _mm_setr_epi32(~0, 0, ~0, 0);
    __m128i x = _mm_xor_si128(_mm_srli_si128(x1, 8), _mm_clmulepi64_si128(x1, k, 0x10));
    k = _mm_loadl_epi64(reinterpret_cast<__m128i const*>(k5k0));
    x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32), k, 0x00), _mm_srli_si128(x, 4));
    k = constants(poly);
    __m128i y = _mm_and_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32), k, 0x10), low32);
    y = _mm_clmulepi64_si128(y, k, 0x00);
    return static_cast<std::uint32_t>(_mm_extract_epi32(_mm_xor_si128(x, y), 1));
}

bool can_fold()
{
    static bool const yes = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    }();
    return yes;
}
#endif

} // namespace

std::uint32_t crc32_portable(std::string_view data)
{
    auto const* p = reinterpret_cast<unsigned char const*>(data.data());
    return crc_tables(0xFFFFFFFFu, p, data.size()) ^ 0xFFFFFFFFu;
}

std::uint32_t crc32(std::string_view data)
{
    auto const* p = reinterpret_cast<unsigned char const*>(data.data());
    std::size_t n = data.size();
    std::uint32_t c = 0xFFFFFFFFu;
#if defined(__x86_64__)
    if (n >= 64 && can_fold()) {
        std::size_t const folded = n & ~std::size_t{15};
        c = crc_folded(c, p, folded);
        p += folded;
        n -= folded;
    }
#endif
    return crc_tables(c, p, n) ^ 0xFFFFFFFFu;
}

} // namespace linkledger::clicks
