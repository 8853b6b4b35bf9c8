#include "events/address_policy.hpp"

#include <cstdint>

namespace linkledger::events {
namespace {

std::optional<std::string> v4_reason(std::uint32_t a)
{
    auto in = [a](std::uint32_t net, int bits) {
        std::uint32_t const mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
        return (a & mask) == (net & mask);
    };
    auto ip = [](unsigned b0, unsigned b1, unsigned b2, unsigned b3) {
        return std::uint32_t(b0) << 24 | std::uint32_t(b1) << 16 | std::uint32_t(b2) << 8 | b3;
    };
    if (in(ip(127, 0, 0, 0), 8))
        return "loopback";
    if (in(ip(10, 0, 0, 0), 8) || in(ip(172, 16, 0, 0), 12) || in(ip(192, 168, 0, 0), 16))
        return "private";
    if (in(ip(169, 254, 0, 0), 16))
        return "link-local";
    if (in(ip(100, 64, 0, 0), 10))
        return "shared address space";
    if (in(ip(0, 0, 0, 0), 8))
        return "unspecified";
    if (in(ip(224, 0, 0, 0), 4))
        return "multicast";
    if (in(ip(240, 0, 0, 0), 4)) // reserved, and 255.255.255.255 (broadcast)
        return "reserved";
    if (in(ip(192, 0, 0, 0), 24) || in(ip(192, 0, 2, 0), 24) || in(ip(198, 18, 0, 0), 15) ||
        in(ip(198, 51, 100, 0), 24) || in(ip(203, 0, 113, 0), 24))
        return "reserved";
    return std::nullopt;
}

} // namespace

std::optional<std::string> non_public_reason(boost::asio::ip::address const& address)
{
    if (address.is_v4())
        return v4_reason(address.to_v4().to_uint());
    auto const v6 = address.to_v6();
    auto const b = v6.to_bytes();
    auto embedded = [&b](std::size_t at) {
        return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 |
               b[at + 3];
    };
    if (v6.is_v4_mapped())
        return v4_reason(embedded(12));
    if (v6.is_loopback())
        return "loopback";
    if (v6.is_unspecified())
        return "unspecified";
    bool first_96_zero = true;
    for (std::size_t i = 0; i < 12; ++i)
        first_96_zero = first_96_zero && b[i] == 0;
    if (first_96_zero) // IPv4-compatible (deprecated)
        return v4_reason(embedded(12));
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) // 64:ff9b::/96 NAT64
        return v4_reason(embedded(12));
    if (b[0] == 0x20 && b[1] == 0x02) // 2002::/16 6to4
        return v4_reason(embedded(2));
    if ((b[0] & 0xfe) == 0xfc)
        return "unique-local";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return "link-local";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) // fec0::/10, deprecated site-local
        return "private";
    if (b[0] == 0xff)
        return "multicast";
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) // 2001:db8::/32 documentation
        return "reserved";
    return std::nullopt;
}

} // namespace linkledger::events
