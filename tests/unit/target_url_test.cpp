// Unit tests for links/target_url.hpp: which targets a link may redirect to, and how the
// `{click_id}` placeholder is filled in.
#include "links/target_url.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace linkledger::links;

TEST(target_url, accepts_absolute_http_and_https)
{
    for (auto const* good : {"https://shop.example/p?id=1", "http://shop.example",
                             "http://shop.example/", "HTTPS://shop.example/p",
                             "https://shop.example:8443/p", "https://[2001:db8::1]:8443/x",
                             "http://203.0.113.5/p"})
        EXPECT_FALSE(target_url_problem(good).has_value()) << good << ": " << *target_url_problem(good);
}

TEST(target_url, accepts_the_click_id_placeholder)
{
    for (auto const* good : {"https://shop.example/p?sub={click_id}&x=1",
                             "https://shop.example/c/{click_id}/go",
                             "https://shop.example/c/{click_id}?a={click_id}",
                             "https://shop.example/p?sub=%7Bclick_id%7D"})
        EXPECT_FALSE(target_url_problem(good).has_value()) << good << ": " << *target_url_problem(good);
}

// Shop targets carry fragments (product anchors, hash-routed shops); an absolute-URI parse
// would refuse them.
TEST(target_url, accepts_a_fragment)
{
    for (auto const* good : {"https://shop.example/p#reviews", "https://shop.example/#/product/1",
                             "https://shop.example/p?sub={click_id}#top"})
        EXPECT_FALSE(target_url_problem(good).has_value()) << good << ": " << *target_url_problem(good);
}

TEST(target_url, rejects_other_schemes)
{
    for (auto const* bad : {"ftp://example.com/f", "javascript:alert(1)", "mailto:a@example.com",
                            "data:text/html,hi", "file:///etc/passwd", "ws://example.com/"}) {
        auto const problem = target_url_problem(bad);
        ASSERT_TRUE(problem.has_value()) << bad;
        EXPECT_FALSE(problem->empty());
    }
}

TEST(target_url, rejects_relative_empty_hostless_and_userinfo)
{
    for (auto const* bad : {"", "/relative", "relative/path", "example.com/no-scheme",
                            "//example.com/p", "http://", "https://", "http:///p",
                            "https://user:pw@example.com/", "https://user@example.com/",
                            "https://exa mple.com/", "https://example.com/a b"}) {
        auto const problem = target_url_problem(bad);
        ASSERT_TRUE(problem.has_value()) << bad;
        EXPECT_FALSE(problem->empty());
    }
}

// Browsers (the WHATWG URL standard) read a host whose last label is a number as an IPv4
// address and show an error page when it is not one. Boost.URL 1.81 takes such hosts for names,
// and reads a host that begins with a dotted quad as that address (https://1.2.3.4.5/: the host
// 1.2.3.4, the path ".5/"), so the host is checked as written: names that begin with an address
// (nip.io, sslip.io) are hosts like any other.
TEST(target_url, rejects_a_host_that_ends_in_a_number_but_is_not_an_ipv4_address)
{
    for (auto const* bad : {"https://1.2.3.4.5/", "https://256.1.1.1/p", "http://example.123/",
                            "http://1.2.3/", "http://0x7f.0.0.1/", "https://shop.example.1./", "https://a.0x/",
                            "https://1.2.3.4.5:8443/x", "https://01.2.3.4/", "https://1.2.3.4%2e5/p"}) {
        auto const problem = target_url_problem(bad);
        ASSERT_TRUE(problem.has_value()) << bad;
        EXPECT_NE(problem->find("ends in a number"), std::string::npos) << *problem;
    }
    for (auto const* good : {"https://1.2.3.4/", "https://shop123.example/", "https://123shop.example/p",
                             "https://example.com./", "https://0x.example/", "https://v2.shop.example/a.1",
                             "https://1.2.3.4./p", "https://1.2.3.4.", "https://10.0.0.5.nip.io/p?x=1",
                             "https://1.2.3.4.sslip.io", "https://1.2.3.4.nip.io:8443/x#top", "https://1.2.3.4x/p",
                             "https://%31.2.3.4/p"})
        EXPECT_FALSE(target_url_problem(good).has_value()) << good << ": " << *target_url_problem(good);
    // What follows such a name is checked as after any other.
    EXPECT_NE(target_url_problem("https://1.2.3.4.nip.io:99999/x").value_or("").find("port"), std::string::npos);
    EXPECT_NE(target_url_problem("https://1.2.3.4.a@shop.example/").value_or("").find("user name"), std::string::npos);
    EXPECT_NE(target_url_problem("https://10.0.0.5.{source}/x").value_or("").find("placeholder"), std::string::npos);
}

// The host is the creator's: a placeholder there would let a visitor's utm_source or Referer
// pick where the link sends people (https://{source}/x with utm_source=evil.com).
TEST(target_url, rejects_a_placeholder_in_the_scheme_host_or_port)
{
    for (std::string const bad : {"https://{source}/x", "https://shop.example{source}/", "https://{country}.shop.example/",
                                  "https://shop.example:{video_id}/", "https://{slug}.example/p", "{source}://x.example/",
                                  "https://{click_id}.example/", "https://shop.example:99999/", "https://shop.example:0/"}) {
        auto const problem = target_url_problem(bad);
        ASSERT_TRUE(problem.has_value()) << bad;
        EXPECT_FALSE(problem->empty());
    }
    for (std::string const good : {"https://shop.example/{source}/{country}?v={video_id}&s={slug}#{click_id}",
                                   "https://shop.example:8443/p?c={click_id}", "http://shop.example:/p"})
        EXPECT_FALSE(target_url_problem(good).has_value()) << good << ": " << *target_url_problem(good);
}

// A video's url and a link's expired_url are checked as targets are, and their answers name them.
TEST(target_url, the_message_names_the_field_it_checks)
{
    for (auto const* bad : {"javascript:alert(1)", "", "/relative", "https://user@example.com/", "https://x.example:0/",
                            "https://{source}/x"}) {
        EXPECT_TRUE(target_url_problem(bad).value_or("").starts_with("target_url ")) << bad;
        auto const problem = target_url_problem(bad, "url").value_or("");
        EXPECT_TRUE(problem.starts_with("url ")) << bad << ": " << problem;
        EXPECT_EQ(problem.find("target_url"), std::string::npos) << bad << ": " << problem;
    }
    EXPECT_EQ(target_url_problem("javascript:alert(1)", "url"), "url must start with http:// or https://");
    EXPECT_FALSE(target_url_problem("https://video.example/v/1", "url"));
}

TEST(target_url, length_limit_is_2048_bytes)
{
    std::string const base = "https://example.com/";
    auto const exactly = base + std::string(2048 - base.size(), 'a');
    ASSERT_EQ(exactly.size(), 2048u);
    EXPECT_FALSE(target_url_problem(exactly).has_value());
    EXPECT_TRUE(target_url_problem(exactly + "a").has_value());
    EXPECT_TRUE(target_url_problem(base + std::string(10000, 'a')).has_value());
}

TEST(target_url, expand_replaces_every_placeholder)
{
    EXPECT_EQ(expand_target("https://s.example/p?a={click_id}&b={click_id}", "ID"),
              "https://s.example/p?a=ID&b=ID");
    EXPECT_EQ(expand_target("https://s.example/c/{click_id}/go?x={click_id}", "ID"),
              "https://s.example/c/ID/go?x=ID");
    EXPECT_EQ(expand_target("https://s.example/p?a=%7Bclick_id%7D&b=%7bclick_id%7d", "ID"),
              "https://s.example/p?a=ID&b=ID");
    EXPECT_EQ(expand_target("https://s.example/p?a=%7Bclick_id%7d&b={click_id}", "ID"),
              "https://s.example/p?a=ID&b=ID");
    EXPECT_EQ(expand_target("{click_id}{click_id}%7Bclick_id%7D", "01J"), "01J01J01J");
}

TEST(target_url, expand_leaves_other_text_alone)
{
    for (auto const* same : {"https://s.example/p?click_id=1", "https://s.example/p?a=%20b&c=%7B",
                             "https://s.example/{clickid}", "https://s.example/{click_id",
                             "https://s.example/click_id}", "https://s.example/%7Bclick%7D", ""})
        EXPECT_EQ(expand_target(same, "ID"), same);
    // The value put in is not searched again for placeholders.
    EXPECT_EQ(expand_target("a{click_id}b", "{click_id}"), "a{click_id}b");
    EXPECT_EQ(expand_target("a{click_id}b", ""), "ab");
}
