#include "auth/api_key.hpp"

#include <gtest/gtest.h>

using namespace linkledger::auth;

TEST(api_key, prefix_of_a_well_formed_key)
{
    std::string const key = "ll_AbCdE12345_" + std::string(32, 'z');
    ASSERT_TRUE(api_key_prefix(key).has_value());
    EXPECT_EQ(*api_key_prefix(key), "AbCdE12345");
    EXPECT_FALSE(api_key_prefix("xx_AbCdE12345_" + std::string(32, 'z')));
    EXPECT_FALSE(api_key_prefix("ll_AbCdE12345_" + std::string(31, 'z')));
    EXPECT_FALSE(api_key_prefix("ll_AbCdE1234-_" + std::string(32, 'z')));
    EXPECT_FALSE(api_key_prefix("ll_AbCdE12345-" + std::string(32, 'z')));
    EXPECT_FALSE(api_key_prefix(""));
}

TEST(api_key, bearer_token)
{
    EXPECT_EQ(bearer_token("Bearer abc"), "abc");
    EXPECT_EQ(bearer_token("bearer   abc  "), "abc");
    EXPECT_FALSE(bearer_token("Basic abc"));
    EXPECT_FALSE(bearer_token("Bearer"));
    EXPECT_FALSE(bearer_token("Bearer   "));
    EXPECT_FALSE(bearer_token(""));
}
