#include "clicks/ip_anonymizer.hpp"

#include <gtest/gtest.h>

using linkledger::clicks::anonymize_ip;

TEST(ip_anonymizer, ipv4_keeps_the_24_bit_prefix)
{
    EXPECT_EQ(anonymize_ip("203.0.113.77"), "203.0.113.0");
    EXPECT_EQ(anonymize_ip("127.0.0.1"), "127.0.0.0");
}

TEST(ip_anonymizer, ipv6_keeps_the_48_bit_prefix)
{
    EXPECT_EQ(anonymize_ip("2001:db8:abcd:12::1"), "2001:db8:abcd::");
    EXPECT_EQ(anonymize_ip("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff"), "2001:db8:abcd::");
}

TEST(ip_anonymizer, mapped_ipv4_is_treated_as_ipv4)
{
    EXPECT_EQ(anonymize_ip("::ffff:198.51.100.9"), "198.51.100.0");
}

TEST(ip_anonymizer, garbage_gives_nothing)
{
    EXPECT_EQ(anonymize_ip(""), "");
    EXPECT_EQ(anonymize_ip("not an ip"), "");
    EXPECT_EQ(anonymize_ip("300.1.1.1"), "");
}
