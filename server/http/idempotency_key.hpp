// The Idempotency-Key request header (IETF draft "The Idempotency-Key HTTP Header Field", as
// Stripe uses it): a client names one intended operation with a key of its own choosing and
// sends it with every attempt, so a retry after a timeout is answered, not done twice. Here:
// reading and checking the key, the fingerprint of the request it came with, and the answer a
// retry gets. Which routes honour it, and where keys are kept, is money/idempotency_store.
#pragma once

#include "http/types.hpp"

#include <array>
#include <optional>
#include <string>

namespace linkledger::http {

inline constexpr char const* k_idempotency_key_header = "Idempotency-Key";
inline constexpr char const* k_idempotent_replayed_header = "Idempotent-Replayed";
inline constexpr std::size_t k_max_idempotency_key_bytes = 255;

// The request's key, or nothing when it sends none. 1 to 255 printable ASCII characters
// (space to tilde); the draft's form, a Structured Field string in double quotes, is the same
// key as its unquoted text. Anything else (empty, too long, a control or non-ASCII byte, the
// header twice) is a 400 naming Idempotency-Key: a key read wrongly would guard nothing.
std::optional<std::string> idempotency_key(request const& req);

// SHA-256 of the method, the request-target (path and query: an import's offer is in its
// query) and the body, bytes as sent: a retry sends them again unchanged.
std::array<unsigned char, 32> request_fingerprint(request const& req);

// An answer that can be kept for a retry: its status and the bytes of its JSON body.
struct kept_answer {
    unsigned status = 0;
    std::string body;
    bool replayed = false; // a retry's: marked Idempotent-Replayed: true
};

// The response of a kept answer, the same bytes json_response writes, marked when replayed.
response kept_response(kept_answer const& answer);

} // namespace linkledger::http
