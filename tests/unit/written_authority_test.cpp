// http::authority_as_written: a URL's host, port and user name as written, which Boost.URL 1.81
// cuts short when the host begins with a dotted quad (10.0.0.5.nip.io).
#include "http/written_authority.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace linkledger::http;

namespace {

std::string parts(std::string_view url)
{
    auto const a = authority_as_written(url);
    return std::string(a.host) + "|" + std::string(a.port) + "|" + (a.userinfo ? "user" : "") + "|" + std::string(a.rest);
}

} // namespace

TEST(written_authority, reads_the_host_port_user_and_rest_as_written)
{
    EXPECT_EQ(parts("https://10.0.0.5.nip.io/hook?x=1#top"), "10.0.0.5.nip.io|||/hook?x=1#top");
    EXPECT_EQ(parts("https://10.0.0.5.nip.io:8443"), "10.0.0.5.nip.io|8443||");
    EXPECT_EQ(parts("http://u:p@shop.example:80?q"), "shop.example|80|user|?q");
    EXPECT_EQ(parts("https://[2001:db8::1]:8443/x"), "[2001:db8::1]|8443||/x");
    EXPECT_EQ(parts("https://[2001:db8::1]/x"), "[2001:db8::1]|||/x");
    EXPECT_EQ(parts("https://shop.example./"), "shop.example.|||/");
    EXPECT_EQ(parts("mailto:a@example.com"), "|||");
}

TEST(written_authority, a_path_after_a_host_starts_with_a_slash)
{
    EXPECT_TRUE(authority_cut_short(".nip.io/hook"));
    EXPECT_TRUE(authority_cut_short("x/p"));
    EXPECT_FALSE(authority_cut_short(""));
    EXPECT_FALSE(authority_cut_short("/p"));
}

TEST(written_authority, ends_in_a_number_as_browsers_read_hosts)
{
    for (auto const* yes : {"1.2.3.4", "1.2.3.4.5", "example.123", "a.0x", "a.0XfF", "shop.example.1.", "7"})
        EXPECT_TRUE(ends_in_a_number(yes)) << yes;
    for (auto const* no : {"shop.example", "1.2.3.4x", "10.0.0.5.nip.io", "a.0xg", "example.com.", "a..", ""})
        EXPECT_FALSE(ends_in_a_number(no)) << no;
}
