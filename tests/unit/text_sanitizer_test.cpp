// Unit tests for clicks/text_sanitizer.hpp: untrusted header bytes made into storable UTF-8.
#include "clicks/text_sanitizer.hpp"

#include <gtest/gtest.h>

#include <string>

using linkledger::clicks::storable_text;

namespace {

std::string const k_replacement = "\xEF\xBF\xBD"; // U+FFFD

std::string times(std::string const& piece, int n)
{
    std::string out;
    for (int i = 0; i < n; ++i)
        out += piece;
    return out;
}

} // namespace

TEST(storable_text, keeps_ascii)
{
    std::string const ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) ~!@#$%^&*()_+{}|:\"<>?";
    EXPECT_EQ(storable_text(ua, 1000), ua);
    EXPECT_EQ(storable_text("", 100), "");
}

TEST(storable_text, keeps_valid_multibyte_utf8)
{
    EXPECT_EQ(storable_text("caf\xc3\xa9", 100), "caf\xc3\xa9");               // é, 2 bytes
    EXPECT_EQ(storable_text("\xe2\x82\xac 5", 100), "\xe2\x82\xac 5");         // €, 3 bytes
    EXPECT_EQ(storable_text("\xf0\x9f\x8e\x89", 100), "\xf0\x9f\x8e\x89");     // 🎉, 4 bytes
    EXPECT_EQ(storable_text("\xf4\x8f\xbf\xbf", 100), "\xf4\x8f\xbf\xbf");     // U+10FFFF
    EXPECT_EQ(storable_text("\xed\x9f\xbf", 100), "\xed\x9f\xbf");             // U+D7FF
    EXPECT_EQ(storable_text(k_replacement, 100), k_replacement);
}

TEST(storable_text, replaces_each_invalid_byte)
{
    EXPECT_EQ(storable_text("a\xff" "b", 100), "a" + k_replacement + "b");
    EXPECT_EQ(storable_text("\xfe", 100), k_replacement);
    EXPECT_EQ(storable_text("\x80", 100), k_replacement);                         // lone continuation
    EXPECT_EQ(storable_text("a\xbf" "b", 100), "a" + k_replacement + "b");
    EXPECT_EQ(storable_text("\xc0\x80", 100), times(k_replacement, 2));           // overlong NUL
    EXPECT_EQ(storable_text("\xc1\xbf", 100), times(k_replacement, 2));           // overlong
    EXPECT_EQ(storable_text("\xe0\x80\x80", 100), times(k_replacement, 3));       // overlong
    EXPECT_EQ(storable_text("\xf0\x80\x80\x80", 100), times(k_replacement, 4));   // overlong
    EXPECT_EQ(storable_text("\xed\xa0\x80", 100), times(k_replacement, 3));       // surrogate
    EXPECT_EQ(storable_text("\xed\xbf\xbf", 100), times(k_replacement, 3));       // surrogate
    EXPECT_EQ(storable_text("\xf4\x90\x80\x80", 100), times(k_replacement, 4));   // > U+10FFFF
    EXPECT_EQ(storable_text("\xf5\x80\x80\x80", 100), times(k_replacement, 4));
}

TEST(storable_text, truncated_sequences_are_invalid)
{
    EXPECT_EQ(storable_text("a\xc3", 100), "a" + k_replacement);
    EXPECT_EQ(storable_text("\xe2\x82", 100), times(k_replacement, 2));
    EXPECT_EQ(storable_text("\xf0\x9f\x8e", 100), times(k_replacement, 3));
    EXPECT_EQ(storable_text("\xc3" "a", 100), k_replacement + "a");
    EXPECT_EQ(storable_text("\xe2\x82" "a", 100), times(k_replacement, 2) + "a");
}

TEST(storable_text, drops_control_characters_and_nul)
{
    EXPECT_EQ(storable_text(std::string("a\0b\r\nc", 6), 100), "abc");
    EXPECT_EQ(storable_text("a\tb\x1b[31mc\x7f", 100), "ab[31mc");
    EXPECT_EQ(storable_text(std::string("\0\x01\x1f", 3), 100), "");
    EXPECT_EQ(storable_text(std::string("caf\xc3\xa9\0", 6), 100), "caf\xc3\xa9");
}

TEST(storable_text, truncates_on_a_character_boundary)
{
    EXPECT_EQ(storable_text("abcdef", 3), "abc");
    EXPECT_EQ(storable_text("abcdef", 0), "");
    EXPECT_EQ(storable_text("ab\xc3\xa9", 3), "ab");
    EXPECT_EQ(storable_text("ab\xc3\xa9", 4), "ab\xc3\xa9");
    EXPECT_EQ(storable_text("\xf0\x9f\x8e\x89\xf0\x9f\x8e\x89", 7), "\xf0\x9f\x8e\x89");
    EXPECT_EQ(storable_text("\xf0\x9f\x8e\x89", 3), "");
    EXPECT_EQ(storable_text("ab\xff", 4), "ab"); // the 3-byte replacement does not fit either
}

TEST(storable_text, every_limit_gives_a_whole_character_prefix)
{
    // Mixed widths, invalid bytes and controls: for every limit the result must fit, be a
    // prefix of the unlimited result, and end where a character ends.
    std::string const text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\x89\xff\x01z\xed\xa0\x80\xc3\xa9";
    auto const full = storable_text(text, 1000);
    ASSERT_EQ(full, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\x89" + k_replacement + "z" +
                        times(k_replacement, 3) + "\xc3\xa9");
    for (std::size_t limit = 0; limit <= full.size() + 2; ++limit) {
        auto const cut = storable_text(text, limit);
        EXPECT_LE(cut.size(), limit);
        ASSERT_EQ(full.compare(0, cut.size(), cut), 0) << limit;
        if (cut.size() < full.size()) {
            EXPECT_NE(static_cast<unsigned char>(full[cut.size()]) & 0xC0, 0x80) << limit;
            // Nothing is dropped that would have fitted: the next character is too big.
            std::size_t next = cut.size() + 1;
            while (next < full.size() && (static_cast<unsigned char>(full[next]) & 0xC0) == 0x80)
                ++next;
            EXPECT_GT(next, limit) << limit;
        }
    }
}

TEST(trim_spaces, takes_off_ascii_and_unicode_blanks_around_and_keeps_them_inside)
{
    using linkledger::clicks::trim_spaces;
    EXPECT_EQ(trim_spaces(" \t ORD-9\r\n"), "ORD-9");
    EXPECT_EQ(trim_spaces("\xc2\xa0ORD-88\xc2\xa0"), "ORD-88");                  // no-break space
    EXPECT_EQ(trim_spaces("\xef\xbb\xbf" "ORD-1"), "ORD-1");                     // byte order mark
    EXPECT_EQ(trim_spaces("\xe2\x80\xaf" "A\xe2\x80\x8b"), "A");                 // U+202F, U+200B
    EXPECT_EQ(trim_spaces("\xe3\x80\x80" "A B\xe2\x80\x80"), "A B");             // U+3000, U+2000
    EXPECT_EQ(trim_spaces("A\xc2\xa0" "B"), "A\xc2\xa0" "B");                    // inside: kept
    EXPECT_EQ(trim_spaces("\xc2\xa0 \xc2\xa0"), "");
    EXPECT_EQ(trim_spaces(""), "");
    // Not blanks: U+200C (a joiner), U+00A9, a lone lead byte, a character ending in 0xA0.
    EXPECT_EQ(trim_spaces("\xe2\x80\x8c" "A"), "\xe2\x80\x8c" "A");
    EXPECT_EQ(trim_spaces("A\xc2\xa9"), "A\xc2\xa9");
    EXPECT_EQ(trim_spaces("A\xc2"), "A\xc2");
    EXPECT_EQ(trim_spaces("\xe4\xb8\xa0"), "\xe4\xb8\xa0"); // U+4E20 ends in 0xA0
}
