#include "http/trusted_proxies.hpp"

#include <stdexcept>

namespace linkledger::http {
namespace {

namespace ip = boost::asio::ip;

std::string_view trim(std::string_view text)
{
    auto const first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    auto const last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// Splits on commas, trimmed, empty items kept (so "a,,b" can be refused by the caller).
std::vector<std::string_view> split(std::string_view text)
{
    std::vector<std::string_view> items;
    std::size_t start = 0;
    for (;;) {
        auto const comma = text.find(',', start);
        items.push_back(trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start)));
        if (comma == std::string_view::npos)
            return items;
        start = comma + 1;
    }
}

} // namespace

ip::address unmapped(ip::address const& address)
{
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    return address;
}

trusted_proxies trusted_proxies::parse(std::string_view list)
{
    trusted_proxies out;
    if (trim(list).empty())
        return out;
    for (auto const item : split(list)) {
        std::string const text(item);
        boost::system::error_code ec;
        if (text.find('/') != std::string::npos) {
            if (text.find(':') != std::string::npos) {
                auto const net = ip::make_network_v6(text, ec);
                if (!ec) {
                    out.v6_.push_back(net.canonical());
                    continue;
                }
            } else {
                auto const net = ip::make_network_v4(text, ec);
                if (!ec) {
                    out.v4_.push_back(net.canonical());
                    continue;
                }
            }
        } else {
            auto const address = ip::make_address(text, ec);
            if (!ec) {
                auto const a = unmapped(address);
                if (a.is_v4())
                    out.v4_.emplace_back(a.to_v4(), 32);
                else
                    out.v6_.emplace_back(a.to_v6(), 128);
                continue;
            }
        }
        throw std::invalid_argument("'" + text + "' is neither an IP address nor a CIDR network");
    }
    return out;
}

bool trusted_proxies::trusts(ip::address const& address) const
{
    auto const a = unmapped(address);
    if (a.is_v4()) {
        for (auto const& net : v4_)
            if (ip::network_v4(a.to_v4(), 32).is_subnet_of(net) || net == ip::network_v4(a.to_v4(), 32))
                return true;
        return false;
    }
    for (auto const& net : v6_)
        if (ip::network_v6(a.to_v6(), 128).is_subnet_of(net) || net == ip::network_v6(a.to_v6(), 128))
            return true;
    return false;
}

ip::address trusted_proxies::client_address(ip::address const& peer,
                                            std::span<std::string_view const> forwarded_for) const
{
    auto client = unmapped(peer);
    if (!trusts(client))
        return client;
    // Hops are appended left to right as the request passes proxies: walk back from the
    // right, past every proxy we trust, to the first hop we do not.
    for (auto line = forwarded_for.rbegin(); line != forwarded_for.rend(); ++line) {
        auto const hops = split(*line);
        for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
            boost::system::error_code ec;
            auto const address = ip::make_address(std::string(*hop), ec);
            if (ec)
                return client; // a forged or mangled entry: keep the last hop we could read
            client = unmapped(address);
            if (!trusts(client))
                return client;
        }
    }
    return client;
}

} // namespace linkledger::http
