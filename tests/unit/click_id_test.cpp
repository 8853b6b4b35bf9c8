#include "clicks/click_id.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace linkledger::clicks;

TEST(click_id, format_is_26_crockford_characters)
{
    auto const id = new_click_id();
    EXPECT_EQ(id.size(), 26u);
    EXPECT_EQ(id.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos) << id;
    EXPECT_TRUE(is_valid_click_id(id));
}

TEST(click_id, validation_rejects_malformed_ids)
{
    auto const id = new_click_id();
    EXPECT_FALSE(is_valid_click_id(id.substr(1)));
    EXPECT_FALSE(is_valid_click_id(id + "0"));
    for (char bad : {'I', 'L', 'O', 'U', 'a', '-'}) {
        auto changed = id;
        changed[10] = bad;
        EXPECT_FALSE(is_valid_click_id(changed)) << bad;
    }
    auto overflow = id;
    overflow[0] = '8'; // a 26-digit base32 number above 2^128
    EXPECT_FALSE(is_valid_click_id(overflow));
}

TEST(click_id, ids_sort_by_time_and_carry_it)
{
    using namespace std::chrono;
    auto const t = system_clock::time_point(milliseconds(1'764'000'000'123));
    auto const a = new_click_id(t);
    auto const b = new_click_id(t + milliseconds(1));
    EXPECT_LT(a, b);
    EXPECT_EQ(click_id_millis(a), 1'764'000'000'123u);
    EXPECT_EQ(click_id_millis(b), 1'764'000'000'124u);
}

TEST(click_id, ids_are_unique)
{
    std::set<std::string> ids;
    for (int i = 0; i < 10000; ++i)
        ids.insert(new_click_id());
    EXPECT_EQ(ids.size(), 10000u);
}
