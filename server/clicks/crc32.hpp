// CRC-32 (the polynomial of zlib, PNG and Ethernet) of the click journal's records: every click
// is checksummed when it is journaled, on the redirect's road, and again when it is shipped.
#pragma once

#include <cstdint>
#include <string_view>

namespace linkledger::clicks {

std::uint32_t crc32(std::string_view data);

// The portable computation, eight bytes a step; crc32 uses it for what the processor's
// carry-less multiply does not take (short records, the tail of long ones, other processors).
std::uint32_t crc32_portable(std::string_view data);

} // namespace linkledger::clicks
