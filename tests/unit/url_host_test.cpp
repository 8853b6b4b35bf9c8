// http/url_host: an IPv6 address goes in brackets wherever a host is written into a URL or a
// Host header (the public URL, the listening line, the webhook sender); nothing else does.
#include "http/url_host.hpp"

#include <gtest/gtest.h>

using linkledger::http::url_host;

TEST(url_host, an_ipv6_address_is_bracketed)
{
    EXPECT_EQ(url_host("::1"), "[::1]");
    EXPECT_EQ(url_host("::"), "[::]");
    EXPECT_EQ(url_host("2001:db8::5"), "[2001:db8::5]");
}

TEST(url_host, names_and_ipv4_addresses_are_written_as_they_are)
{
    EXPECT_EQ(url_host("127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(url_host("0.0.0.0"), "0.0.0.0");
    EXPECT_EQ(url_host("hooks.example.com"), "hooks.example.com");
    EXPECT_EQ(url_host(""), "");
}
