// Unit tests for crypto/digest.hpp: SHA-256 against published vectors, hex, and comparison.
#include "crypto/digest.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace linkledger::crypto;

TEST(digest, sha256_known_vectors)
{
    // FIPS 180-2 examples and the empty message.
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(digest, sha256_hashes_every_byte)
{
    // A NUL inside the input is data, not the end of it.
    EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("a"));
    EXPECT_EQ(sha256_hex(std::string("a\0b", 3)), sha256_hex(std::string("a\0b", 3)));
}

TEST(digest, raw_digest_matches_hex)
{
    auto const raw = sha256("abc");
    EXPECT_EQ(raw.size(), 32u);
    EXPECT_EQ(raw[0], 0xba);
    EXPECT_EQ(raw[31], 0xad);
    EXPECT_EQ(to_hex({reinterpret_cast<char const*>(raw.data()), raw.size()}), sha256_hex("abc"));
}

TEST(digest, to_hex_is_lowercase_two_digits_a_byte)
{
    EXPECT_EQ(to_hex(""), "");
    EXPECT_EQ(to_hex(std::string("\x00\x01\x0f\x10\xab\xff", 6)), "00010f10abff");
}

TEST(digest, constant_time_equal)
{
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
    EXPECT_FALSE(constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(constant_time_equal("secret", "Secret"));
    EXPECT_FALSE(constant_time_equal("secret", "secret2"));
    EXPECT_FALSE(constant_time_equal("secret", ""));
    EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}
