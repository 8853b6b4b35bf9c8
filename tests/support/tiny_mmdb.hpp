// A minimal MaxMind DB writer for tests (format 2.0: IPv4, 24-bit records), so a test can say
// which country an address has, in either record layout Linkledger reads:
//   country-only files (DB-IP lite, geo-whois-asn-country, the shipped data/geoip): {"country_code": "FR"}
//   MaxMind's City and Country files: {"country": {"iso_code": "FR", ...}, ...}
// Header-only: unit and integration tests both use it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkledger::testing::mmdb {

// Data section values. Strings and maps are short here (under 29 bytes or pairs).
inline std::string utf8(std::string_view text)
{
    std::string out(1, static_cast<char>(0x40 | text.size()));
    out.append(text); // not `+`: g++ 12 -O3 takes it for an overlapping copy (-Werror=restrict)
    return out;
}

inline std::string map(std::vector<std::pair<std::string, std::string>> const& pairs)
{
    std::string out(1, static_cast<char>(0xE0 | pairs.size()));
    for (auto const& [key, value] : pairs)
        out.append(utf8(key)).append(value);
    return out;
}

// A database mapping IPv4 addresses by their first octet to a record (a data section value,
// usually a map); other addresses have none.
inline std::string database(std::map<int, std::string> const& records, std::string_view type = "Tiny-Country")
{
    constexpr std::uint32_t k_nodes = 255; // a complete tree over the first octet
    std::string data;
    std::map<int, std::uint32_t> offsets;
    for (auto const& [octet, record] : records) {
        offsets[octet] = static_cast<std::uint32_t>(data.size());
        data += record;
    }
    auto const record_of = [&](std::uint32_t node, int bit) -> std::uint32_t {
        if (node < 127)
            return 2 * node + 1 + static_cast<std::uint32_t>(bit);
        int const octet = static_cast<int>((node - 127) << 1) | bit;
        auto const it = offsets.find(octet);
        return it == offsets.end() ? k_nodes : k_nodes + 16 + it->second;
    };
    std::string out;
    for (std::uint32_t node = 0; node < k_nodes; ++node)
        for (int bit = 0; bit < 2; ++bit) {
            auto const r = record_of(node, bit);
            out.push_back(static_cast<char>((r >> 16) & 0xff));
            out.push_back(static_cast<char>((r >> 8) & 0xff));
            out.push_back(static_cast<char>(r & 0xff));
        }
    out.append(16, '\0');
    out += data;
    out += "\xAB\xCD\xEFMaxMind.com";
    auto const u16 = [&](unsigned v) {
        out.push_back(static_cast<char>((5 << 5) | 2));
        out.push_back(static_cast<char>(v >> 8));
        out.push_back(static_cast<char>(v & 0xff));
    };
    out.push_back(static_cast<char>(0xE0 | 9)); // map, 9 pairs
    out += utf8("node_count");
    out.push_back(static_cast<char>((6 << 5) | 2));
    out.push_back(static_cast<char>(k_nodes >> 8));
    out.push_back(static_cast<char>(k_nodes & 0xff));
    out += utf8("record_size");
    u16(24);
    out += utf8("ip_version");
    u16(4);
    out += utf8("database_type");
    out += utf8(type);
    out += utf8("binary_format_major_version");
    u16(2);
    out += utf8("binary_format_minor_version");
    u16(0);
    out += utf8("build_epoch");
    out.push_back(static_cast<char>(0x01)); // uint64 (extended type 9), one byte; 0 counts as missing
    out.push_back(static_cast<char>(0x02));
    out.push_back(static_cast<char>(0x01));
    out += utf8("languages"); // libmaxminddb requires both, empty or not
    out.push_back(static_cast<char>(0x00)); // array (extended type 11), size 0
    out.push_back(static_cast<char>(0x04));
    out += utf8("description");
    out.push_back(static_cast<char>(0xE0)); // map, 0 pairs
    return out;
}

} // namespace linkledger::testing::mmdb
