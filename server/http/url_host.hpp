// A host as a URL or a Host header writes it: an IPv6 address in brackets ([::1]), any other
// host as it is (RFC 3986, section 3.2.2). Written once for the public URL, the listening line
// and the webhook sender's Host header.
#pragma once

#include <string>
#include <string_view>

namespace linkledger::http {

std::string url_host(std::string_view host);

} // namespace linkledger::http
