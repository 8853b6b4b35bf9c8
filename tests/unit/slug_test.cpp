// Unit tests for links/slug.hpp: which slugs are well formed, which are reserved, and the
// random slugs given to links created without one.
#include "links/slug.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace linkledger::links;

TEST(slug, well_formed_slugs)
{
    EXPECT_TRUE(is_well_formed_slug("a"));
    EXPECT_TRUE(is_well_formed_slug("Z"));
    EXPECT_TRUE(is_well_formed_slug("7"));
    EXPECT_TRUE(is_well_formed_slug("_"));
    EXPECT_TRUE(is_well_formed_slug("-"));
    EXPECT_TRUE(is_well_formed_slug("Lea_bio-2024"));
    EXPECT_TRUE(is_well_formed_slug("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"));
    EXPECT_TRUE(is_well_formed_slug(std::string(64, 'x')));
}

TEST(slug, length_is_1_to_64)
{
    EXPECT_FALSE(is_well_formed_slug(""));
    EXPECT_FALSE(is_well_formed_slug(std::string(65, 'x')));
    EXPECT_FALSE(is_well_formed_slug(std::string(1000, 'x')));
}

TEST(slug, rejects_characters_outside_the_set)
{
    for (auto const* bad : {"a.b", "a/b", "@lea", "a b", " a", "a ", "caf\xc3\xa9", "\xf0\x9f\x8e\x89",
                            "a%20", "a?b", "a#b", "a+b", "a:b", "a\\b", "a~b", "a\tb", "."})
        EXPECT_FALSE(is_well_formed_slug(bad)) << bad;
    EXPECT_FALSE(is_well_formed_slug(std::string("a\0b", 3)));
}

TEST(slug, reserved_words_in_any_case)
{
    for (auto const* word : {"api", "API", "Api", "healthz", "HEALTHZ", "readyz", "ReadyZ", "metrics",
                             "dashboard", "DashBoard", "login", "LOGIN", "static", "postback",
                             "webhooks", "WebHooks"})
        EXPECT_TRUE(is_reserved_slug(word)) << word;
    for (auto const* free : {"apis", "ap", "api2", "my-api", "healthz_", "lea-bio", ""})
        EXPECT_FALSE(is_reserved_slug(free)) << free;
}

TEST(slug, problem_explains_why_a_slug_cannot_be_used)
{
    for (auto const* word : {"api", "API", "healthz", "readyz", "metrics", "dashboard", "login",
                             "static", "postback", "webhooks"}) {
        auto const problem = slug_problem(word);
        ASSERT_TRUE(problem.has_value()) << word;
        EXPECT_FALSE(problem->empty());
        EXPECT_NE(problem->find("reserved"), std::string::npos) << *problem;
    }
    for (auto const& bad : {std::string(), std::string(65, 'x'), std::string("bad slug"),
                            std::string("a.b"), std::string("caf\xc3\xa9")}) {
        auto const problem = slug_problem(bad);
        ASSERT_TRUE(problem.has_value()) << bad;
        EXPECT_FALSE(problem->empty());
    }
    EXPECT_FALSE(slug_problem("lea-bio").has_value());
    EXPECT_FALSE(slug_problem(std::string(64, 'x')).has_value());
}

TEST(slug, random_slugs_are_seven_alphanumerics_and_distinct)
{
    std::string const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::set<std::string> seen;
    std::set<char> characters;
    for (int i = 0; i < 1000; ++i) {
        auto const s = random_slug();
        ASSERT_EQ(s.size(), 7u);
        ASSERT_EQ(s.find_first_not_of(alphabet), std::string::npos) << s;
        ASSERT_TRUE(is_well_formed_slug(s)) << s;
        seen.insert(s);
        characters.insert(s.begin(), s.end());
    }
    // 62^7 is about 3.5e12, so even one collision in 1000 draws is very unlikely.
    EXPECT_GE(seen.size(), 999u);
    // 7000 uniform draws from 62 characters miss one with probability ~62 * e^-113.
    EXPECT_EQ(characters.size(), alphabet.size());
}
