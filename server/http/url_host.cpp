#include "http/url_host.hpp"

namespace linkledger::http {

std::string url_host(std::string_view host)
{
    // Only an IPv6 address holds a colon; a name or an IPv4 address never does.
    if (host.find(':') == std::string_view::npos)
        return std::string(host);
    return std::string("[").append(host).append("]");
}

} // namespace linkledger::http
