// JSON a client sends is read as it was written, or refused: Boost.JSON keeps one of two equal
// keys without a word ({"amount":"1.00","amount":"1000.00"}), and reads every fraction through
// a double, which keeps 15 significant digits and rounds the rest away.
#pragma once

#include <string>
#include <string_view>

namespace linkledger::http {

// A key given twice in one object (code "duplicate_field"), or a number with more significant
// digits than a double keeps exactly (code "inexact_number"): a 400 naming the key. Throws
// http_error; text that is not JSON at all is left to the caller's parse.
void refuse_ambiguous_json(std::string_view text);

// A JSON number as a decimal a person would write, never an exponent (19.99, not 1.999E1): the
// shortest text that reads back as the same double, which for a number that passed
// refuse_ambiguous_json is the number as it was written.
std::string decimal_text(double value);

} // namespace linkledger::http
