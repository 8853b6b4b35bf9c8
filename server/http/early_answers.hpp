// Answers for requests refused before any route saw them: limits on size and shape. The body
// of such a request is never read, so the connection closes after the answer.
#pragma once

#include "http/types.hpp"

#include <cstddef>
#include <optional>

namespace linkledger::http {

// 414 past the request-target limit, else 431 (too big, or too many fields: `code` says which).
response uri_too_long();
response headers_too_large(std::string_view code = "headers_too_large");
response too_large_body();
response too_many_large_bodies();
// A chunked body whose framing (a chunk's extensions, the trailer fields) overflows the buffer.
response oversized_framing();

// A header too big for Beast's limit is either a huge request-target (414) or too many or too
// big fields (431). Beast parses the request line as soon as it is complete: without one, the
// line itself is what overflowed.
response oversized_header(request const& partial, std::size_t buffered_bytes);

// A request Beast could not parse (a bad request line, field or framing): 400, then close.
response malformed_request();

// The limits Beast does not check itself: the target's length, the fields' count and size, the
// Host field (host_problem), and a body framing it would misread (transfer_coding_problem).
std::optional<response> header_problem(request const& req, std::size_t header_bytes);

// A Transfer-Encoding other than "chunked" alone: 400 when it does not end in chunked (the
// body could not be framed), 501 for codings before it; nothing when there is none.
std::optional<response> transfer_coding_problem(request const& req);

// RFC 9112 3.2: 400 for an HTTP/1.1 request without a Host field, and for any with two.
std::optional<response> host_problem(request const& req);

} // namespace linkledger::http
