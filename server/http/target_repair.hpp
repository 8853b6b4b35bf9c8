// Request targets as browsers really send them. WHATWG URL rules leave `{ } | ^ [ ] \ ` and
// the backtick unencoded in a query (an ad network's unfilled `{macro}`, a tracking
// parameter), which RFC 3986 parsing refuses: a follower sent by such a link would get a 400
// instead of the redirect, and a network's postback would lose its sale.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkledger::http {

// The target with every byte RFC 3986 does not allow in a path or query percent-encoded
// (a '%' not followed by two hex digits becomes "%25"); nothing when there is none to encode.
std::optional<std::string> repaired_target(std::string_view target);

} // namespace linkledger::http
