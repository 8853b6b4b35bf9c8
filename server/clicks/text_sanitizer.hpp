// Request headers are untrusted bytes, but PostgreSQL text must be valid UTF-8 without NUL:
// this keeps what can be stored and bounds its size, so a strange header never loses a click.
#pragma once

#include <string>
#include <string_view>

namespace linkledger::clicks {

// Valid UTF-8 of `text`, each invalid byte replaced by U+FFFD, control characters dropped,
// cut at a character boundary to at most `max_bytes`.
std::string storable_text(std::string_view text, std::size_t max_bytes);
// The same into `out` (replacing what it held): the redirect reuses one buffer.
void storable_text(std::string& out, std::string_view text, std::size_t max_bytes);

// True when `text` is valid UTF-8 without control characters (NUL included): what an id or a
// code must be to be stored and compared as it was sent, with nothing replaced or dropped.
bool is_clean_text(std::string_view text);

// `text` without the blanks around it: ASCII space, tab, CR and LF, and the Unicode spaces a
// spreadsheet or a web form leaves there unseen (no-break space U+00A0, the U+2000-U+200B
// spaces, narrow no-break U+202F, U+205F, ideographic U+3000, the byte order mark U+FEFF).
// A txid or a code is one value however it was padded.
std::string_view trim_spaces(std::string_view text);

} // namespace linkledger::clicks
