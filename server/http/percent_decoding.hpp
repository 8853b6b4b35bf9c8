// Percent-decoding as comparisons need it: "%74oken" reads as "token". A '%' not followed by two
// hex digits stays as it is, so nothing a client sends is ever refused or lost here.
#pragma once

#include <string>
#include <string_view>

namespace linkledger::http {

// 0-15 for a hex digit, else -1.
int hex_digit(char c);

enum class plus_sign { literal, space }; // space: as HTML forms and query strings send it

std::string percent_decoded(std::string_view text, plus_sign plus);

} // namespace linkledger::http
