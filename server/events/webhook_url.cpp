#include "events/webhook_url.hpp"

#include "events/address_policy.hpp"

#include <boost/url/parse.hpp>

namespace linkledger::events {

std::optional<std::string> webhook_url_problem(std::string_view url, bool allow_private)
{
    if (url.size() > k_max_webhook_url)
        return "url must be at most 2048 bytes";
    auto const parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed)
        return "url must be an absolute http(s) URL";
    auto const& u = *parsed;
    if (u.scheme() != "https" && u.scheme() != "http")
        return "url must be an absolute http(s) URL";
    if (u.scheme() == "http" && !allow_private)
        return "url must be https (http:// only with LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1)";
    if (!u.has_authority() || u.host().empty())
        return "url must name a host";
    if (u.has_userinfo())
        return "url must not hold a user name or password";
    if (u.has_fragment())
        return "url must not have a #fragment";
    if (!allow_private) {
        std::optional<std::string> why;
        if (u.host_type() == boost::urls::host_type::ipv4)
            why = non_public_reason(boost::asio::ip::address(
                boost::asio::ip::address_v4(u.host_ipv4_address().to_bytes())));
        else if (u.host_type() == boost::urls::host_type::ipv6)
            why = non_public_reason(boost::asio::ip::address(
                boost::asio::ip::address_v6(u.host_ipv6_address().to_bytes())));
        else if (u.host() == "localhost" || u.host().ends_with(".localhost"))
            why = "loopback";
        if (why)
            return std::string("url must not point to a ")
                .append(*why)
                .append(" address (allowed only with LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1)");
    }
    return std::nullopt;
}

} // namespace linkledger::events
