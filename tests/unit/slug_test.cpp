#include "links/slug.hpp"
#include <gtest/gtest.h>
TEST(slug, placeholder) { EXPECT_TRUE(linkledger::links::is_well_formed_slug("abc")); }
