// Unit tests for http/trusted_proxies: which peers are believed, and which X-Forwarded-For
// hop becomes the client address.
#include "http/trusted_proxies.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using linkledger::http::trusted_proxies;
namespace ip = boost::asio::ip;

namespace {

std::string client(trusted_proxies const& proxies, std::string const& peer,
                   std::vector<std::string_view> const& forwarded)
{
    return proxies.client_address(ip::make_address(peer), forwarded).to_string();
}

} // namespace

TEST(trusted_proxies, nobody_is_trusted_by_default)
{
    trusted_proxies const none;
    EXPECT_TRUE(none.empty());
    EXPECT_FALSE(none.trusts(ip::make_address("127.0.0.1")));
    EXPECT_EQ(client(none, "203.0.113.9", {"198.51.100.1"}), "203.0.113.9");
    EXPECT_TRUE(trusted_proxies::parse("").empty());
    EXPECT_TRUE(trusted_proxies::parse("  ").empty());
}

TEST(trusted_proxies, addresses_and_networks_of_both_families)
{
    auto const p = trusted_proxies::parse("10.1.2.3, 172.16.0.0/12,::1 , fd00::/8");
    EXPECT_TRUE(p.trusts(ip::make_address("10.1.2.3")));
    EXPECT_FALSE(p.trusts(ip::make_address("10.1.2.4")));
    EXPECT_TRUE(p.trusts(ip::make_address("172.16.0.1")));
    EXPECT_TRUE(p.trusts(ip::make_address("172.31.255.254")));
    EXPECT_FALSE(p.trusts(ip::make_address("172.32.0.1")));
    EXPECT_TRUE(p.trusts(ip::make_address("::1")));
    EXPECT_TRUE(p.trusts(ip::make_address("fd12:3456::1")));
    EXPECT_FALSE(p.trusts(ip::make_address("2001:db8::1")));
    // A v4 peer seen on a [::] listener is the v4 address it maps.
    EXPECT_TRUE(p.trusts(ip::make_address("::ffff:172.20.0.5")));
    // A network written with host bits set still means the network.
    EXPECT_TRUE(trusted_proxies::parse("192.168.1.77/24").trusts(ip::make_address("192.168.1.1")));
}

TEST(trusted_proxies, bad_entries_are_refused_by_name)
{
    for (auto const* bad : {"proxy", "10.0.0.0/33", "10.0.0.1,,10.0.0.2", "::1/129", "1.2.3.4.5", ","}) {
        try {
            trusted_proxies::parse(bad);
            ADD_FAILURE() << "accepted: " << bad;
        } catch (std::invalid_argument const& e) {
            EXPECT_NE(std::string(e.what()).find("neither an IP address nor a CIDR network"), std::string::npos);
        }
    }
}

TEST(trusted_proxies, the_header_is_believed_only_from_a_trusted_peer)
{
    auto const p = trusted_proxies::parse("10.0.0.0/8");
    EXPECT_EQ(client(p, "10.0.0.2", {"198.51.100.7"}), "198.51.100.7");
    // A follower connecting directly cannot choose their address by sending the header.
    EXPECT_EQ(client(p, "203.0.113.9", {"198.51.100.7"}), "203.0.113.9");
    // Behind the proxy but without the header: the proxy is all we know.
    EXPECT_EQ(client(p, "10.0.0.2", {}), "10.0.0.2");
}

TEST(trusted_proxies, the_rightmost_untrusted_hop_is_the_client)
{
    auto const p = trusted_proxies::parse("10.0.0.0/8, 192.0.2.10");
    // The client forged a first hop; our proxies appended the real one and themselves.
    EXPECT_EQ(client(p, "10.0.0.2", {"1.1.1.1, 198.51.100.7, 192.0.2.10"}), "198.51.100.7");
    // Several header lines are one list, in order.
    EXPECT_EQ(client(p, "10.0.0.2", {"1.1.1.1", "198.51.100.7", "192.0.2.10"}), "198.51.100.7");
    // Only trusted hops: the leftmost one is as far as we can see.
    EXPECT_EQ(client(p, "10.0.0.2", {"10.9.9.9, 192.0.2.10"}), "10.9.9.9");
    EXPECT_EQ(client(p, "10.0.0.2", {" 2001:db8::5 "}), "2001:db8::5");
}

TEST(trusted_proxies, a_mangled_hop_stops_at_the_last_readable_address)
{
    auto const p = trusted_proxies::parse("10.0.0.0/8");
    EXPECT_EQ(client(p, "10.0.0.2", {"unknown"}), "10.0.0.2");
    EXPECT_EQ(client(p, "10.0.0.2", {"198.51.100.7, <script>, 10.0.0.3"}), "10.0.0.3");
    EXPECT_EQ(client(p, "10.0.0.2", {"198.51.100.7:4711"}), "10.0.0.2");
}
