// Unit tests for clicks/click_id.hpp: the ULID-style click id's format, validation, time order
// and uniqueness.
#include "clicks/click_id.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>

using namespace linkledger::clicks;

namespace {

constexpr char const* k_crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::chrono::system_clock::time_point at_millis(std::int64_t millis)
{
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(millis));
}

} // namespace

TEST(click_id, format_is_26_crockford_characters)
{
    for (int i = 0; i < 100; ++i) {
        auto const id = new_click_id();
        ASSERT_EQ(id.size(), 26u);
        ASSERT_EQ(k_click_id_length, 26u);
        EXPECT_EQ(id.find_first_not_of(k_crockford), std::string::npos) << id;
        EXPECT_LE(id[0], '7') << id;
        EXPECT_TRUE(is_valid_click_id(id)) << id;
    }
}

TEST(click_id, validation_accepts_hand_made_ids)
{
    EXPECT_TRUE(is_valid_click_id("01JDZQ5C9M7R3K8T2V6W4X0Y1Z"));
    EXPECT_TRUE(is_valid_click_id(std::string(26, '0')));
    EXPECT_TRUE(is_valid_click_id("7" + std::string(25, 'Z')));
}

TEST(click_id, validation_rejects_wrong_length)
{
    auto const id = new_click_id();
    EXPECT_FALSE(is_valid_click_id(""));
    EXPECT_FALSE(is_valid_click_id(id.substr(1)));
    EXPECT_FALSE(is_valid_click_id(id.substr(0, 25)));
    EXPECT_FALSE(is_valid_click_id(id + "0"));
}

TEST(click_id, validation_rejects_letters_outside_crockford)
{
    auto const id = new_click_id();
    for (std::size_t position : {std::size_t{1}, std::size_t{10}, std::size_t{25}}) {
        for (char bad : {'I', 'L', 'O', 'U', 'i', 'l', 'o', 'u', '-', '_', ' ', '\0'}) {
            auto changed = id;
            changed[position] = bad;
            EXPECT_FALSE(is_valid_click_id(changed)) << changed << " at " << position;
        }
    }
}

TEST(click_id, validation_rejects_lowercase)
{
    // A fixed id with letters in it, so the lowercase form surely differs.
    std::string lower = "01JDZQ5C9M7R3K8T2V6W4X0Y1Z";
    ASSERT_TRUE(is_valid_click_id(lower));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_FALSE(is_valid_click_id(lower));
}

TEST(click_id, validation_rejects_a_first_digit_above_7)
{
    // 26 base32 digits hold 130 bits; an id is 128, so the first digit is at most 7.
    auto const id = new_click_id();
    for (char first : {'8', '9', 'A', 'Z'}) {
        auto changed = id;
        changed[0] = first;
        EXPECT_FALSE(is_valid_click_id(changed)) << changed;
    }
}

TEST(click_id, ids_sort_by_time_and_carry_it)
{
    std::int64_t const t = 1'764'000'000'123;
    auto const a = new_click_id(at_millis(t));
    auto const b = new_click_id(at_millis(t + 1));
    EXPECT_LT(a, b);
    EXPECT_EQ(click_id_millis(a), static_cast<std::uint64_t>(t));
    EXPECT_EQ(click_id_millis(b), static_cast<std::uint64_t>(t + 1));
    // The timestamp is the first 10 characters; the rest is random.
    EXPECT_EQ(a.substr(0, 10), new_click_id(at_millis(t)).substr(0, 10));
}

TEST(click_id, order_holds_whatever_the_random_part)
{
    // Many pairs, so that a random tail cannot rescue a broken timestamp encoding.
    for (std::int64_t t : {std::int64_t{0}, std::int64_t{31}, std::int64_t{32}, std::int64_t{1023},
                           std::int64_t{1'000'000'000'000}, std::int64_t{1'764'000'000'999},
                           std::int64_t{4'102'444'800'000}}) {
        for (int i = 0; i < 20; ++i)
            EXPECT_LT(new_click_id(at_millis(t)), new_click_id(at_millis(t + 1))) << t;
        EXPECT_LT(new_click_id(at_millis(t)), new_click_id(at_millis(t + 86'400'000))) << t;
    }
}

TEST(click_id, millis_round_trip)
{
    for (std::int64_t t : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1'764'000'000'123},
                           std::int64_t{4'102'444'800'000}, std::int64_t{9'000'000'000'000}}) {
        // (system_clock counts nanoseconds in 64 bits, so it cannot reach 2^48 ms, year 10889.)
        auto const id = new_click_id(at_millis(t));
        EXPECT_TRUE(is_valid_click_id(id)) << id;
        EXPECT_EQ(click_id_millis(id), static_cast<std::uint64_t>(t)) << id;
    }
    EXPECT_EQ(click_id_millis(std::string(26, '0')), 0u);
    EXPECT_EQ(click_id_millis("0000000001" + std::string(16, 'Z')), 1u);
    EXPECT_EQ(click_id_millis("7ZZZZZZZZZ" + std::string(16, '0')), (std::uint64_t{1} << 48) - 1);
}

TEST(click_id, current_time_is_carried)
{
    using namespace std::chrono;
    auto const before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    auto const id = new_click_id();
    auto const after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    EXPECT_GE(click_id_millis(id), static_cast<std::uint64_t>(before));
    EXPECT_LE(click_id_millis(id), static_cast<std::uint64_t>(after));
}

TEST(click_id, ids_are_unique)
{
    std::set<std::string> ids;
    for (int i = 0; i < 10000; ++i)
        ids.insert(new_click_id());
    EXPECT_EQ(ids.size(), 10000u);
    // Also when all share one millisecond: the 80 random bits alone must tell them apart.
    std::set<std::string> same_time;
    for (int i = 0; i < 10000; ++i)
        same_time.insert(new_click_id(at_millis(1'764'000'000'000)));
    EXPECT_EQ(same_time.size(), 10000u);
}

TEST(click_id, another_spelling_of_an_id_reads_as_the_id_we_minted)
{
    auto const id = new_click_id(at_millis(1'764'000'000'000));
    std::string lower = id;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(canonical_click_id(lower), id);
    EXPECT_EQ(canonical_click_id("01JDZQ5C9M7R3K8T2V6W4XOYIL"), "01JDZQ5C9M7R3K8T2V6W4X0Y11"); // O as 0, I and L as 1
    EXPECT_EQ(canonical_click_id("not-an-id"), "not-an-id");
    EXPECT_EQ(canonical_click_id("order-9"), "order-9") << "text that is no id keeps its case";
}
