// IP addresses are personal data: only a truncated form is ever stored (IPv4 /24, IPv6 /48).
#pragma once

#include <string>
#include <string_view>

namespace linkledger::clicks {

// "203.0.113.77" -> "203.0.113.0", "2001:db8:abcd:12::1" -> "2001:db8:abcd::";
// IPv4-mapped IPv6 addresses are treated as IPv4. Anything unparsable gives "".
std::string anonymize_ip(std::string_view address);

} // namespace linkledger::clicks
