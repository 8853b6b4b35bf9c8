// Standard Webhooks 1.0 signing (standardwebhooks.com, spec/standard-webhooks.md): secrets
// "whsec_" + base64 of 32 random bytes; a signature is "v1," + base64(HMAC-SHA256(key,
// "<webhook-id>.<webhook-timestamp>.<body>")) where the key is the base64-decoded part of the
// secret after "whsec_". Several signatures go in one header separated by spaces, which is how
// a rotated secret keeps verifying beside the new one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::events {

// A new secret: "whsec_" + base64 of 32 bytes from OpenSSL's CSPRNG.
std::string make_webhook_secret();

// The key a secret stands for; nothing when it is not "whsec_" + valid base64.
std::optional<std::string> secret_key(std::string_view secret);

// "v1,<base64>" for one secret.
std::string sign(std::string_view secret, std::string_view message_id, std::int64_t timestamp,
                 std::string_view body);

// The webhook-signature header: one "v1,..." per secret, space separated, in the order given.
std::string signature_header(std::vector<std::string> const& secrets, std::string_view message_id,
                             std::int64_t timestamp, std::string_view body);

} // namespace linkledger::events
