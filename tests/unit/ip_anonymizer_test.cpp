// Unit tests for clicks/ip_anonymizer.hpp: only the /24 of IPv4 and the /48 of IPv6 are kept.
#include "clicks/ip_anonymizer.hpp"

#include <gtest/gtest.h>

using linkledger::clicks::anonymize_ip;

TEST(ip_anonymizer, ipv4_keeps_the_24_bit_prefix)
{
    EXPECT_EQ(anonymize_ip("203.0.113.77"), "203.0.113.0");
    EXPECT_EQ(anonymize_ip("127.0.0.1"), "127.0.0.0");
    EXPECT_EQ(anonymize_ip("255.255.255.255"), "255.255.255.0");
    EXPECT_EQ(anonymize_ip("10.1.2.0"), "10.1.2.0");
    EXPECT_EQ(anonymize_ip("0.0.0.0"), "0.0.0.0");
}

TEST(ip_anonymizer, ipv6_keeps_the_48_bit_prefix)
{
    EXPECT_EQ(anonymize_ip("2001:db8:abcd:12::1"), "2001:db8:abcd::");
    EXPECT_EQ(anonymize_ip("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff"), "2001:db8:abcd::");
    EXPECT_EQ(anonymize_ip("2001:0db8:abcd:0012:0000:0000:0000:0001"), "2001:db8:abcd::");
    EXPECT_EQ(anonymize_ip("2001:DB8:ABCD:12::1"), "2001:db8:abcd::");
    EXPECT_EQ(anonymize_ip("2001:db8:1::"), "2001:db8:1::");
    EXPECT_EQ(anonymize_ip("::1"), "::");
}

TEST(ip_anonymizer, mapped_ipv4_is_treated_as_ipv4)
{
    EXPECT_EQ(anonymize_ip("::ffff:198.51.100.9"), "198.51.100.0");
    EXPECT_EQ(anonymize_ip("::FFFF:198.51.100.9"), "198.51.100.0");
    EXPECT_EQ(anonymize_ip("::ffff:c633:6409"), "198.51.100.0");
}

TEST(ip_anonymizer, garbage_gives_nothing)
{
    for (auto const* bad : {"", "not an ip", "300.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.4:80",
                            "1..3.4", "1.2.3.", ".1.2.3", "a.b.c.d", "2001:db8:::1", "12345::1",
                            "::ffff:300.1.1.1", "[::1]", "localhost"})
        EXPECT_EQ(anonymize_ip(bad), "") << bad;
}
