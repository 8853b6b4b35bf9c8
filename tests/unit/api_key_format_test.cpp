// Unit tests for the database-free parts of auth/api_key.hpp: the `ll_<prefix>_<secret>`
// format and the `Authorization: Bearer` header.
#include "auth/api_key.hpp"
#include "http/authorization.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace linkledger::auth;

namespace {

std::string const k_prefix = "AbCdE12345";
std::string const k_secret = "0123456789abcdefghijABCDEFGHIJkl"; // 32 base62 characters

} // namespace

TEST(api_key, prefix_of_a_well_formed_key)
{
    ASSERT_EQ(k_secret.size(), 32u);
    auto const key = "ll_" + k_prefix + "_" + k_secret;
    auto const prefix = api_key_prefix(key);
    ASSERT_TRUE(prefix.has_value());
    EXPECT_EQ(*prefix, k_prefix);

    EXPECT_EQ(api_key_prefix("ll_0000000000_" + std::string(32, 'Z')), "0000000000");
}

TEST(api_key, wrong_marker)
{
    for (auto const* marker : {"xx_", "LL_", "ll-", "lk_", "l_l"})
        EXPECT_FALSE(api_key_prefix(marker + k_prefix + "_" + k_secret)) << marker;
    EXPECT_FALSE(api_key_prefix("_ll" + k_prefix + "_" + k_secret));
}

TEST(api_key, wrong_lengths)
{
    EXPECT_FALSE(api_key_prefix(""));
    EXPECT_FALSE(api_key_prefix("ll_"));
    EXPECT_FALSE(api_key_prefix("ll_" + k_prefix));
    EXPECT_FALSE(api_key_prefix("ll_" + k_prefix + "_"));
    EXPECT_FALSE(api_key_prefix("ll_" + k_prefix + "_" + k_secret.substr(1)));     // secret 31
    EXPECT_FALSE(api_key_prefix("ll_" + k_prefix + "_" + k_secret + "x"));         // secret 33
    EXPECT_FALSE(api_key_prefix("ll_" + k_prefix.substr(1) + "_" + k_secret + "x")); // prefix 9
    EXPECT_FALSE(api_key_prefix("ll_" + k_prefix + "x_" + k_secret.substr(1)));    // prefix 11
}

TEST(api_key, non_alphanumeric_characters)
{
    auto const key = "ll_" + k_prefix + "_" + k_secret;
    for (std::size_t position : {std::size_t{3}, std::size_t{12}, std::size_t{14}, key.size() - 1}) {
        for (char bad : {'-', '_', '.', ' ', '+', '/', '=', '\0', '\xc3'}) {
            auto changed = key;
            changed[position] = bad;
            EXPECT_FALSE(api_key_prefix(changed)) << position << " " << static_cast<int>(bad);
        }
    }
    // The separator between prefix and secret must be '_'.
    auto changed = key;
    changed[13] = 'x';
    EXPECT_FALSE(api_key_prefix(changed));
}

TEST(api_key, bearer_token)
{
    EXPECT_EQ(linkledger::http::bearer_token("Bearer abc"), "abc");
    EXPECT_EQ(linkledger::http::bearer_token("Bearer ll_AbCdE12345_x"), "ll_AbCdE12345_x");
}

TEST(api_key, bearer_scheme_is_case_insensitive)
{
    for (auto const* header : {"bearer abc", "BEARER abc", "bEaReR abc"})
        EXPECT_EQ(linkledger::http::bearer_token(header), "abc") << header;
}

TEST(api_key, bearer_token_spaces_are_trimmed)
{
    EXPECT_EQ(linkledger::http::bearer_token("Bearer   abc"), "abc");
    EXPECT_EQ(linkledger::http::bearer_token("Bearer abc   "), "abc");
    EXPECT_EQ(linkledger::http::bearer_token("bearer   abc  "), "abc");
}

TEST(api_key, not_a_bearer_token)
{
    for (auto const* header : {"Basic x", "Basic dXNlcjpwdw==", "Bearer", "Bearer ", "Bearer   ", "",
                               "Bearerabc", "Token abc", "abc", " Bearer abc"})
        EXPECT_FALSE(linkledger::http::bearer_token(header)) << '"' << header << '"';
}
