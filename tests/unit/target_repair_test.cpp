#include "http/target_repair.hpp"

#include <gtest/gtest.h>

using linkledger::http::repaired_target;

TEST(target_repair, leaves_a_valid_target_alone)
{
    for (auto const* good : {"/", "/lea-bio?utm_source=tiktok&q=%C3%A9+a%2Bb", "/@lea", "/p?a=b:c@d/e?f!$&'()*+,;=~._-"})
        EXPECT_FALSE(repaired_target(good).has_value()) << good;
}

TEST(target_repair, encodes_what_browsers_leave_raw_and_stray_percent_signs)
{
    EXPECT_EQ(repaired_target("/x?ad={campaign}"), "/x?ad=%7Bcampaign%7D");
    EXPECT_EQ(repaired_target("/x?a=|^[]\\`\"<>#"), "/x?a=%7C%5E%5B%5D%5C%60%22%3C%3E%23");
    EXPECT_EQ(repaired_target("/x?a=100%&b=%4"), "/x?a=100%25&b=%254");
    EXPECT_EQ(repaired_target("/caf\xc3\xa9"), "/caf%C3%A9");
    EXPECT_EQ(repaired_target(std::string_view("/a\0b", 4)), "/a%00b");
}
