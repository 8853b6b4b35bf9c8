// The journal binding's file format, and the start decision it drives (no database needed).
#include "clicks/journal_binding.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <unistd.h>

using namespace linkledger::clicks;
namespace fs = std::filesystem;

namespace {

journal_binding sample()
{
    return {{"7714456096938647411", "linkledger"}, {12, 3456}};
}

click make_click(int n)
{
    click c;
    c.click_id = "01JDZQ5C9M7R3K8T2V6W4X" + std::to_string(1000 + n);
    c.link_id = 1;
    c.at = std::chrono::system_clock::time_point(std::chrono::microseconds(1'764'000'000'000'000 + n));
    c.source = "tiktok";
    return c;
}

class journal_binding_files : public ::testing::Test {
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/ll-binding-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir = pattern;
    }
    void TearDown() override { fs::remove_all(dir); }
    fs::path dir;
};

} // namespace

TEST(journal_binding_format, is_four_lines_of_text)
{
    EXPECT_EQ(encode_binding(sample()), "linkledger journal binding 1\n"
                                        "system_identifier 7714456096938647411\n"
                                        "database linkledger\n"
                                        "shipped 12 3456\n");
    EXPECT_EQ(decode_binding(encode_binding(sample())), sample());
}

TEST(journal_binding_format, any_database_name_survives_the_round_trip)
{
    for (std::string const name : {"my db", "100%", "a\nb", "\xc3\xa9t\xc3\xa9", "tab\there", "x\x7f"}) {
        journal_binding b = sample();
        b.database.name = name;
        auto const text = encode_binding(b);
        EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << name;
        auto const back = decode_binding(text);
        ASSERT_TRUE(back) << name;
        EXPECT_EQ(back->database.name, name);
    }
    auto b = sample();
    b.shipped = {~std::uint64_t{0}, 0};
    EXPECT_EQ(decode_binding(encode_binding(b)), b);
}

TEST(journal_binding_format, anything_else_is_refused_with_the_reason)
{
    auto const good = encode_binding(sample());
    std::string problem;
    EXPECT_FALSE(decode_binding("", &problem));
    EXPECT_FALSE(decode_binding(good.substr(0, good.size() - 1), &problem)); // torn
    EXPECT_EQ(problem, "the last line is not complete");
    EXPECT_FALSE(decode_binding("linkledger journal binding 2\nsystem_identifier 1\ndatabase d\nshipped 1 2\n", &problem));
    EXPECT_EQ(problem, "it is not a journal binding of this version");
    EXPECT_FALSE(decode_binding(good + "extra 1\n", &problem));
    for (auto const* bad : {"linkledger journal binding 1\nsystem_identifier x1\ndatabase d\nshipped 1 2\n",
                            "linkledger journal binding 1\nsystem_identifier -1\ndatabase d\nshipped 1 2\n",
                            "linkledger journal binding 1\nsystem_identifier \ndatabase d\nshipped 1 2\n",
                            "linkledger journal binding 1\nsystem_identifier 99999999999999999999999\ndatabase d\nshipped 1 2\n"})
        EXPECT_FALSE(decode_binding(bad, &problem)) << bad;
    EXPECT_EQ(problem, "system_identifier is not a number");
    for (auto const* bad : {"linkledger journal binding 1\nsystem_identifier 1\ndatabase \nshipped 1 2\n",
                            "linkledger journal binding 1\nsystem_identifier 1\ndatabase a b\nshipped 1 2\n",
                            "linkledger journal binding 1\nsystem_identifier 1\ndatabase a%2\nshipped 1 2\n",
                            "linkledger journal binding 1\nsystem_identifier 1\ndatabase a%zz\nshipped 1 2\n",
                            "linkledger journal binding 1\nsystem_identifier 1\nname d\nshipped 1 2\n"})
        EXPECT_FALSE(decode_binding(bad, &problem)) << bad;
    EXPECT_EQ(problem, "database is not a database name");
    for (auto const* bad : {"linkledger journal binding 1\nsystem_identifier 1\ndatabase d\nshipped 1\n",
                            "linkledger journal binding 1\nsystem_identifier 1\ndatabase d\nshipped 1 2 3\n",
                            "linkledger journal binding 1\nsystem_identifier 1\ndatabase d\nshipped 1 -2\n"})
        EXPECT_FALSE(decode_binding(bad, &problem)) << bad;
    EXPECT_EQ(problem, "shipped is not a segment and an offset");
}

TEST_F(journal_binding_files, saved_and_loaded_whole_and_a_damaged_file_is_an_error_not_an_adoption)
{
    EXPECT_FALSE(load_binding(dir));
    save_binding(dir, sample());
    EXPECT_EQ(load_binding(dir), sample());
    EXPECT_FALSE(fs::exists(binding_path(dir).string() + ".tmp"));
    std::ofstream(binding_path(dir), std::ios::trunc) << "linkledger journal binding 1\nsystem_identifier 1";
    EXPECT_THROW(load_binding(dir), journal_binding_error);
}

TEST_F(journal_binding_files, the_start_check_adopts_keeps_rebinds_or_refuses)
{
    database_identity const first{"7714456096938647411", "linkledger"};
    database_identity const other_name{"7714456096938647411", "linkledger_2"};
    database_identity const other_cluster{"7000000000000000001", "linkledger"};
    click_journal journal(dir / "journal");
    using outcome = journal_bind_result::outcome;

    EXPECT_EQ(check_binding(journal, first).what, outcome::adopted); // no binding yet
    save_binding(journal.directory(), {first, {}});
    EXPECT_EQ(check_binding(journal, first).what, outcome::same);
    EXPECT_EQ(check_binding(journal, other_name).what, outcome::rebound); // nothing journaled

    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(journal.append(make_click(i)));
    EXPECT_EQ(journal.count({}), 3u);
    for (auto const& other : {other_name, other_cluster}) {
        auto const refused = check_binding(journal, other);
        EXPECT_EQ(refused.what, outcome::refused);
        EXPECT_EQ(refused.unshipped, 3u);
        EXPECT_NE(refused.message.find("holds 3 clicks not yet shipped to database \"linkledger\" "
                                       "(system identifier 7714456096938647411)"), std::string::npos)
            << refused.message;
        EXPECT_NE(refused.message.find("point LINKLEDGER_DATABASE_URL back at"), std::string::npos);
        EXPECT_NE(refused.message.find("move the data directory away (mv " + dir.string() + " " +
                                       dir.string() + ".old)"), std::string::npos) << refused.message;
    }
    EXPECT_EQ(check_binding(journal, first).what, outcome::same);

    // Shipped up to the end of the journal: free to move.
    auto const end = journal.read({}, 100).next;
    save_binding(journal.directory(), {first, end});
    auto const moved = check_binding(journal, other_cluster);
    EXPECT_EQ(moved.what, outcome::rebound);
    ASSERT_TRUE(moved.previous);
    EXPECT_EQ(moved.previous->shipped, end);
}
