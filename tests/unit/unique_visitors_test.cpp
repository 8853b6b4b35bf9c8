// Unit tests for clicks/unique_visitors.hpp: the fixed-size key the cache of counted visitors
// keeps instead of a "day|link|hash" string. The counting itself (markers in PostgreSQL, two
// nodes) is covered by the click pipeline's integration tests.
#include "clicks/unique_visitors.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <unordered_set>

using linkledger::clicks::unique_visitors;

namespace {

std::string const k_hash = "00ff10a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c";

TEST(UniqueVisitorKey, ReadsTheDayLinkAndTheFirstHalfOfTheHash)
{
    auto const v = unique_visitors::make_visitor("2026-12-03", 42, k_hash);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->day, 20261203u);
    EXPECT_EQ(v->link_id, 42);
    EXPECT_EQ(v->hash[0], 0x00);
    EXPECT_EQ(v->hash[1], 0xff);
    EXPECT_EQ(v->hash[2], 0x10);
    EXPECT_EQ(v->hash[15], 0x6c);
}

TEST(UniqueVisitorKey, TheSameVisitorWhateverTheHexCase)
{
    std::string upper = k_hash;
    for (auto& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(unique_visitors::make_visitor("2026-12-03", 7, k_hash), unique_visitors::make_visitor("2026-12-03", 7, upper));
}

TEST(UniqueVisitorKey, DayLinkAndHashEachMakeADifferentVisitor)
{
    std::unordered_set<unique_visitors::visitor, unique_visitors::visitor_hasher> seen;
    std::string other_hash = k_hash;
    other_hash[31] = '0'; // still within the 16 bytes kept
    for (auto const& v : {unique_visitors::make_visitor("2026-12-03", 7, k_hash),
                          unique_visitors::make_visitor("2026-12-04", 7, k_hash),
                          unique_visitors::make_visitor("2026-12-03", 8, k_hash),
                          unique_visitors::make_visitor("2026-12-03", 7, other_hash)}) {
        ASSERT_TRUE(v.has_value());
        EXPECT_TRUE(seen.insert(*v).second);
    }
    EXPECT_FALSE(seen.insert(*unique_visitors::make_visitor("2026-12-03", 7, k_hash)).second);
}

TEST(UniqueVisitorKey, RefusesWhatIsNotADayOrAHash)
{
    EXPECT_FALSE(unique_visitors::make_visitor("2026/12/03", 1, k_hash));
    EXPECT_FALSE(unique_visitors::make_visitor("2026-12-3", 1, k_hash));
    EXPECT_FALSE(unique_visitors::make_visitor("2026-1x-03", 1, k_hash));
    EXPECT_FALSE(unique_visitors::make_visitor("2026-12-03", 1, k_hash.substr(0, 31)));
    EXPECT_FALSE(unique_visitors::make_visitor("2026-12-03", 1, "zz" + k_hash.substr(2)));
    EXPECT_FALSE(unique_visitors::make_visitor("", 1, ""));
}

} // namespace
