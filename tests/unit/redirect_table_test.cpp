#include "links/redirect_table.hpp"

#include <gtest/gtest.h>

namespace linkledger::links {
namespace {

TEST(redirect_table, a_full_reload_replaces_what_was_there)
{
    redirect_table table;
    table.put("old", {1, "https://shop.example/old", true, false});
    table.begin_reload();
    table.replace_all({{"fresh", {2, "https://shop.example/fresh", true, false}}});
    EXPECT_FALSE(table.find("old"));
    ASSERT_TRUE(table.find("fresh"));
    EXPECT_EQ(table.find("fresh")->id, 2);
}

// CI once saw a link created through the API answer 404: the listener's first reload had
// read its snapshot before the insert committed and swapped it in after the API's put.
TEST(redirect_table, a_put_made_while_a_reload_reads_survives_the_reload)
{
    redirect_table table;
    table.begin_reload();
    table.put("made-during", {7, "https://shop.example/new", true, false});
    table.put("retired-during", {8, "https://shop.example/x", false, false});
    table.replace_all({{"retired-during", {8, "https://shop.example/x", true, false}},
                       {"other", {9, "https://shop.example/o", true, false}}});
    ASSERT_TRUE(table.find("made-during"));
    EXPECT_EQ(table.find("made-during")->target_url, "https://shop.example/new");
    ASSERT_TRUE(table.find("retired-during"));
    EXPECT_FALSE(table.find("retired-during")->active);
    EXPECT_TRUE(table.find("other"));
    EXPECT_EQ(table.size(), 3u);
}

TEST(redirect_table, puts_after_a_reload_are_not_replayed_by_the_next_one)
{
    redirect_table table;
    table.begin_reload();
    table.replace_all({});
    table.put("between", {3, "https://shop.example/b", true, false});
    table.begin_reload();
    table.replace_all({});
    EXPECT_FALSE(table.find("between"));
}

} // namespace
} // namespace linkledger::links
