// What a webhook endpoint's URL must be when it is created or changed: absolute https (http
// only with LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1), a host, no user name or password, a port (if
// any) of 1 to 65535, at most 2048 bytes, and not a literal loopback/private/link-local/...
// address, written in any form a resolver reads as one (127.1, 2130706433, 0x7f000001,
// 0177.0.0.1, 0, 0x) nor localhost/*.localhost in any case with or without a trailing dot (names
// are judged where it matters, when they are resolved at send time: webhook_client). A host
// ending in more than one dot is no valid name and is refused, private addresses allowed or not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkledger::events {

inline constexpr std::size_t k_max_webhook_url = 2048;

// Why `url` cannot be a webhook endpoint, or nothing.
std::optional<std::string> webhook_url_problem(std::string_view url, bool allow_private);

// The host as the resolver must be given it: an address written with the trailing dot of a fully
// qualified name (8.8.8.8., 134744072.) without it, as browsers read it; the resolver would look
// "8.8.8.8." up as a name and find none. Any other host as it is.
std::string host_to_resolve(std::string_view host);

} // namespace linkledger::events
