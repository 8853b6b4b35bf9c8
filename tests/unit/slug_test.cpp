#include "links/slug.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace linkledger::links;

TEST(slug, well_formed_slugs)
{
    EXPECT_TRUE(is_well_formed_slug("a"));
    EXPECT_TRUE(is_well_formed_slug("Lea_bio-2024"));
    EXPECT_TRUE(is_well_formed_slug(std::string(64, 'x')));
    EXPECT_FALSE(is_well_formed_slug(std::string(65, 'x')));
    EXPECT_FALSE(is_well_formed_slug(""));
    for (auto const* bad : {"a.b", "a/b", "@lea", "a b", "caf\xc3\xa9", "a%20", "a?b"})
        EXPECT_FALSE(is_well_formed_slug(bad)) << bad;
}

TEST(slug, reserved_words_in_any_case)
{
    for (auto const* word : {"api", "API", "Healthz", "readyz", "metrics", "dashboard", "login",
                             "static", "postback", "webhooks"}) {
        EXPECT_TRUE(is_reserved_slug(word)) << word;
        ASSERT_TRUE(slug_problem(word).has_value());
        EXPECT_NE(slug_problem(word)->find("reserved"), std::string::npos);
    }
    EXPECT_FALSE(is_reserved_slug("apis"));
    EXPECT_FALSE(slug_problem("lea-bio").has_value());
    EXPECT_TRUE(slug_problem("bad slug").has_value());
}

TEST(slug, random_slugs_are_seven_alphanumerics_and_distinct)
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto const s = random_slug();
        ASSERT_EQ(s.size(), 7u);
        ASSERT_TRUE(is_well_formed_slug(s));
        ASSERT_EQ(s.find_first_of("_-"), std::string::npos);
        seen.insert(s);
    }
    EXPECT_GE(seen.size(), 999u);
}
