// Which peers may tell us the client's address (X-Forwarded-For), and reading it from them.
// Behind Caddy or a load balancer the socket peer is the proxy; trusting the header from
// anyone else would let any follower forge their IP (and so their country and unique count).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::http {

class trusted_proxies {
public:
    trusted_proxies() = default; // trusts nobody

    // "10.0.0.1, 172.16.0.0/12, ::1, fd00::/8": comma-separated IPs and CIDR networks.
    // Throws std::invalid_argument naming the entry that is neither.
    static trusted_proxies parse(std::string_view list);

    bool empty() const { return v4_.empty() && v6_.empty(); }
    bool trusts(boost::asio::ip::address const& address) const;

    // The client's address for a request from `peer` carrying these X-Forwarded-For values
    // (each header line, in order): the rightmost hop that is not a trusted proxy. Without a
    // trusted peer, or without the header, it is the peer itself. A hop that is not an IP
    // address stops the walk at the last address known good.
    boost::asio::ip::address client_address(boost::asio::ip::address const& peer,
                                            std::span<std::string_view const> forwarded_for) const;

private:
    std::vector<boost::asio::ip::network_v4> v4_;
    std::vector<boost::asio::ip::network_v6> v6_;
};

// An IPv4-mapped IPv6 address (a v4 peer on a [::] listener) as the IPv4 address it is.
boost::asio::ip::address unmapped(boost::asio::ip::address const& address);

} // namespace linkledger::http
