// A response as it goes on the wire. Beast's serializer walks the header through a chain of
// buffer-sequence iterators that cost more than building the bytes (our responses are small
// and never streamed), so the listener writes them itself; tests/unit/wire_format_test.cpp
// holds it to the serializer's output byte for byte.
#pragma once

#include "http/types.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace linkledger::http {

// Appends the status line, every field in order, the blank line and the body to `out` (lent by
// the connection's thread, so its capacity stays). The fields are those set on `res`, exactly:
// Content-Length and Connection come from prepare_payload() and keep_alive().
void append_wire_bytes(std::string& out, response const& res);

// How the listener finishes an answer before writing it: the request's version, Content-Length
// from the body, no body for HEAD (Content-Length keeps the GET body's size, as HEAD requires)
// and Connection as decided. The full road and the quick road's kept pages both finish theirs
// here, so the two write the same bytes.
void finish_for_wire(response& res, unsigned version, bool head, bool keep_alive);

struct wire_field {
    std::string_view name;
    std::string_view value;
};

// A 302 with an empty body, as append_wire_bytes would write the response Beast builds for it
// (Location, then `fields` in order, then what prepare_payload() and keep_alive() add), without
// building that response: the redirect's quick road.
void append_found_wire(std::string& out, unsigned version, bool keep_alive, std::string_view location,
                       std::initializer_list<wire_field> fields);

} // namespace linkledger::http
