// The head of a plain GET or HEAD request read in place, without Beast's parser: what the
// redirect's quick road needs (issue 18). Strict on purpose: anything it does not fully
// understand is left to the full parser, which reads the same bytes again, so it only ever
// narrows what is accepted. tests/fuzz/http_request_fuzzer.cpp holds every head it accepts to
// Beast's reading of the same bytes.
#pragma once

#include "http/types.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace linkledger::http {

struct request_head {
    static constexpr std::size_t k_max_forwarded = 8;

    verb method = verb::get;       // get or head
    std::string_view target;       // as sent, origin form
    unsigned version = 11;         // 10 or 11
    bool keep_alive = true;        // as Beast's message::keep_alive() reads the fields
    std::string_view user_agent;   // each: the first such field's value, trimmed, or empty
    std::string_view referer;
    std::string_view accept_language;
    std::string_view forwarded_proto; // X-Forwarded-Proto: what a page's headers depend on
    std::array<std::string_view, k_max_forwarded> forwarded_for{}; // every X-Forwarded-For, in order
    std::size_t forwarded_count = 0;
    std::size_t bytes = 0; // the head's length, its blank line included
};

// The head at the start of `data` when it is a whole GET or HEAD request (HTTP/1.0 or 1.1)
// with no body, no Expect, no Upgrade and nothing unusual, within the listener's limits on
// target, fields and their count; nothing otherwise (incomplete included).
std::optional<request_head> read_plain_head(std::string_view data);

} // namespace linkledger::http
