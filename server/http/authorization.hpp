// The Authorization header's mechanics: which token a request presents. Which tokens are good,
// and what they may do, is auth/'s business (it registers its checks with the router).
#pragma once

#include <optional>
#include <string_view>

namespace linkledger::http {

// The token of an `Authorization: Bearer <token>` header value, or nothing.
std::optional<std::string_view> bearer_token(std::string_view authorization);

} // namespace linkledger::http
