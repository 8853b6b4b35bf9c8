// JSON a client sends is read as it was written, or refused: Boost.JSON keeps one of two equal
// keys without a word ({"amount":"1.00","amount":"1000.00"}), and reads every fraction through
// a double, which keeps 15 significant digits and rounds the rest away.
#pragma once

#include "http/http_error.hpp"

#include <set>
#include <string>
#include <string_view>

namespace linkledger::http {

// What a JSON text leaves to chance: the first key given twice in one object (empty: none),
// and the keys whose number has more significant digits than a double keeps exactly (15).
struct json_ambiguity {
    std::string duplicate_key;
    std::set<std::string> inexact_keys; // "" for a number outside any object
};
json_ambiguity find_ambiguity(std::string_view text);

// For the API's own bodies: a key twice (code "duplicate_field") or any inexact number (code
// "inexact_number") is a 400 naming the key. Throws http_error; text that is not JSON at all is
// left to the caller's parse.
void refuse_ambiguous_json(std::string_view text);

// For bodies written for others as well (a shop's webhook, a network's postback), whose fields
// we mostly do not read: only a key twice is refused here. WooCommerce writes a line's price as
// a PHP float (8.333333333333334), which no reader of ours looks at.
void refuse_duplicate_keys(std::string_view text);
void refuse_duplicate_key(json_ambiguity const& found);

// The 400 for a number read from `key` that a double cannot hold as written.
http_error inexact_number(std::string const& key);

// A JSON number as a decimal a person would write, never an exponent (19.99, not 1.999E1): the
// shortest text that reads back as the same double, which for a number that passed
// refuse_ambiguous_json is the number as it was written.
std::string decimal_text(double value);

} // namespace linkledger::http
