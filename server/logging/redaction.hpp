// What the request log may show of a request: secret-bearing query parameters and headers
// (postback tokens, API keys, session cookies, webhook signatures) are replaced by a marker,
// so a log shipped to a collector or pasted into an issue hands out nothing usable.
#pragma once

#include <string>
#include <string_view>

namespace linkledger::logging {

inline constexpr std::string_view k_redacted = "[REDACTED]";

// True for a query parameter or form field whose value is a credential: `token`, `key`,
// `secret`, `signature`, `password`, and names containing them (`api_key`, `access_token`).
// `name` is the decoded name; the test is case-insensitive. Over-redacting a harmless
// parameter costs a little debugging; under-redacting leaks a secret.
bool is_secret_parameter(std::string_view name);

// True for a header that carries a credential: Authorization, Cookie, Set-Cookie, the
// Shopify and WooCommerce signatures, X-CSRF-Token, and any name with token, secret,
// signature, hmac, auth or key in it.
bool is_secret_header(std::string_view name);

// The raw (still percent-encoded) query string with every secret parameter's value replaced
// by k_redacted, at most `max_bytes` long.
std::string redact_query(std::string_view query, std::size_t max_bytes = 512);

// A header value as the log shows it: k_redacted for secret headers, otherwise the value with
// control characters replaced, at most `max_bytes` long.
std::string loggable_header(std::string_view name, std::string_view value, std::size_t max_bytes = 200);

} // namespace linkledger::logging
