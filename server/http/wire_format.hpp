// A response as it goes on the wire. Beast's serializer walks the header through a chain of
// buffer-sequence iterators that cost more than building the bytes (our responses are small
// and never streamed), so the listener writes them itself; tests/unit/wire_format_test.cpp
// holds it to the serializer's output byte for byte.
#pragma once

#include "http/types.hpp"

#include <string>

namespace linkledger::http {

// Appends the status line, every field in order, the blank line and the body to `out` (which
// a connection reuses, so its capacity stays). The fields are those set on `res`, exactly:
// Content-Length and Connection come from prepare_payload() and keep_alive().
void append_wire_bytes(std::string& out, response const& res);

} // namespace linkledger::http
