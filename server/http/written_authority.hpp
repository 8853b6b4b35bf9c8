// A URL's authority as it is written. Boost.URL 1.81 reads a host that begins with a dotted quad
// as that address and the rest of it as the path: https://10.0.0.5.nip.io/x is the host 10.0.0.5
// and the path ".nip.io/x", and https://1.2.3.4.5/ the host 1.2.3.4. A browser (and a resolver)
// reads the whole name; so must whatever checks a URL or sends to it.
#pragma once

#include <string_view>

namespace linkledger::http {

struct written_authority {
    std::string_view host; // without its port; an IPv6 literal with its brackets
    std::string_view port; // empty when none is written
    bool userinfo = false; // a user name or password before an '@'
    std::string_view rest; // from the first '/', '?' or '#' after the authority on (may be empty)
};

// For a URL with a scheme and "//" (http://, https://); an empty host when there is none.
written_authority authority_as_written(std::string_view url);

// Whether Boost.URL cut the authority of `url` short: its host as parsed is not the one written.
bool authority_cut_short(std::string_view parsed_path);

// The WHATWG URL standard's "ends in a number": a host whose last label (a trailing dot aside)
// is decimal digits, or 0x and hex digits, is read by browsers as an IPv4 address.
bool ends_in_a_number(std::string_view host);

} // namespace linkledger::http
