#include "clicks/text_sanitizer.hpp"

#include <gtest/gtest.h>

using linkledger::clicks::storable_text;

TEST(storable_text, keeps_valid_utf8)
{
    EXPECT_EQ(storable_text("Mozilla/5.0", 100), "Mozilla/5.0");
    EXPECT_EQ(storable_text("caf\xc3\xa9 \xf0\x9f\x8e\x89", 100), "caf\xc3\xa9 \xf0\x9f\x8e\x89");
}

TEST(storable_text, replaces_invalid_bytes_and_drops_controls)
{
    std::string const replacement = "\xEF\xBF\xBD";
    EXPECT_EQ(storable_text("a\xff" "b", 100), "a" + replacement + "b");
    EXPECT_EQ(storable_text("\x80", 100), replacement);
    EXPECT_EQ(storable_text("\xc0\x80", 100), replacement + replacement); // overlong NUL
    EXPECT_EQ(storable_text("\xed\xa0\x80", 100), replacement + replacement + replacement); // surrogate
    EXPECT_EQ(storable_text(std::string("a\0b\r\nc", 6), 100), "abc");
}

TEST(storable_text, truncates_on_a_character_boundary)
{
    EXPECT_EQ(storable_text("abcdef", 3), "abc");
    EXPECT_EQ(storable_text("ab\xc3\xa9", 3), "ab");
    EXPECT_EQ(storable_text("\xf0\x9f\x8e\x89\xf0\x9f\x8e\x89", 7), "\xf0\x9f\x8e\x89");
}
