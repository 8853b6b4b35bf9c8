#include "links/target_url.hpp"

#include <gtest/gtest.h>

using namespace linkledger::links;

TEST(target_url, accepts_absolute_http_and_https)
{
    EXPECT_FALSE(target_url_problem("https://shop.example/p?id=1").has_value());
    EXPECT_FALSE(target_url_problem("http://shop.example").has_value());
    EXPECT_FALSE(target_url_problem("https://shop.example/p?sub={click_id}&x=1").has_value());
    EXPECT_FALSE(target_url_problem("https://shop.example/c/{click_id}/go").has_value());
    EXPECT_FALSE(target_url_problem("https://[2001:db8::1]:8443/x").has_value());
}

TEST(target_url, rejects_everything_else)
{
    for (auto const* bad : {"", "ftp://example.com/f", "javascript:alert(1)", "/relative",
                            "example.com/no-scheme", "http://", "https://user:pw@example.com/",
                            "https://exa mple.com/", "mailto:a@example.com"})
        EXPECT_TRUE(target_url_problem(bad).has_value()) << bad;
}

TEST(target_url, length_limit_is_2048_bytes)
{
    std::string const base = "https://example.com/";
    EXPECT_FALSE(target_url_problem(base + std::string(2048 - base.size(), 'a')).has_value());
    EXPECT_TRUE(target_url_problem(base + std::string(2049 - base.size(), 'a')).has_value());
}

TEST(target_url, expand_replaces_every_placeholder)
{
    EXPECT_EQ(expand_target("https://s.example/p?a={click_id}&b={click_id}", "ID"),
              "https://s.example/p?a=ID&b=ID");
    EXPECT_EQ(expand_target("https://s.example/p?a=%7Bclick_id%7D&b=%7bclick_id%7d", "ID"),
              "https://s.example/p?a=ID&b=ID");
    EXPECT_EQ(expand_target("https://s.example/p?click_id=1", "ID"), "https://s.example/p?click_id=1");
}
