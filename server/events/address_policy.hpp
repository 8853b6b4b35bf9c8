// Which addresses a webhook may be sent to (no SSRF): the address a URL resolves to at send
// time, not only at creation, since DNS can change between the two (rebinding). Refused unless
// LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1: loopback, private (RFC 1918), shared (100.64/10, where
// some clouds put their metadata service), link-local (169.254/16 with the usual metadata
// address 169.254.169.254; fe80::/10), unique-local (fc00::/7, fd00:ec2::254 among them),
// unspecified, multicast, broadcast and reserved ranges; IPv6 forms that embed an IPv4
// address (mapped, compatible, NAT64, 6to4) are judged by that address.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>

namespace linkledger::events {

// Why `address` is refused ("loopback", "private", ...), or nothing when it is public.
std::optional<std::string> non_public_reason(boost::asio::ip::address const& address);

} // namespace linkledger::events
