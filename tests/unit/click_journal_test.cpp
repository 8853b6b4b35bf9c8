#include "clicks/click_journal.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace linkledger::clicks;
namespace fs = std::filesystem;

namespace {

click make_click(int n)
{
    click c;
    c.click_id = "01JDZQ5C9M7R3K8T2V6W4X" + std::to_string(1000 + n);
    c.link_id = n;
    c.at = std::chrono::system_clock::time_point(std::chrono::microseconds(1'764'000'000'000'000 + n));
    c.user_agent = "UA \xc3\xa9 " + std::to_string(n);
    c.source = "tiktok";
    c.bot = n % 2 == 0;
    c.bot_reason = c.bot ? "head request" : "";
    return c;
}

class journal_dir : public ::testing::Test {
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/ll-journal-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir = pattern;
    }
    void TearDown() override
    {
        ::chmod(dir.c_str(), 0700);
        fs::remove_all(dir);
    }
    // Appends `clicks` clicks to a journal opened and closed again (a finished segment, as after
    // a restart) and returns that segment.
    std::uint64_t journal_of(int clicks) const
    {
        click_journal journal(dir);
        for (int i = 0; i < clicks; ++i)
            journal.append(make_click(i));
        return journal.current_segment();
    }
    fs::path segment_file(std::uint64_t segment) const
    {
        return dir / (std::string(19, '0') + std::to_string(segment) + ".journal");
    }
    fs::path dir;
};

} // namespace

TEST(click_record, encodes_and_decodes_every_field)
{
    auto c = make_click(7);
    c.ip_anon = "203.0.113.0";
    c.referer = "https://www.tiktok.com/";
    c.utm_source = "a";
    c.utm_medium = "b";
    c.utm_campaign = "c";
    c.utm_term = "d";
    c.utm_content = "e";
    c.in_app = "tiktok";
    c.device = "mobile";
    c.os = "ios";
    c.country = "FR";
    auto const decoded = decode_click(encode_click(c));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(encode_click(*decoded), encode_click(c));
    EXPECT_EQ(decoded->at, c.at);
    EXPECT_EQ(decoded->country, "FR");
    EXPECT_FALSE(decode_click(encode_click(c).substr(1)));
    EXPECT_FALSE(decode_click(encode_click(c) + "x"));
}

TEST_F(journal_dir, appended_clicks_read_back_in_order)
{
    click_journal journal(dir);
    for (int i = 0; i < 100; ++i)
        ASSERT_TRUE(journal.append(make_click(i)));
    auto const first = journal.read({}, 60);
    ASSERT_EQ(first.clicks.size(), 60u);
    EXPECT_EQ(first.clicks[0].link_id, 0);
    EXPECT_EQ(first.clicks[59].link_id, 59);
    auto const rest = journal.read(first.next, 1000);
    ASSERT_EQ(rest.clicks.size(), 40u);
    EXPECT_EQ(rest.clicks[39].link_id, 99);
    EXPECT_EQ(journal.read(rest.next, 1000).clicks.size(), 0u);
    EXPECT_EQ(journal.bytes_after(rest.next), 0u);
    EXPECT_GT(journal.bytes_after(first.next), 0u);
    EXPECT_EQ(journal.appended(), 100u);
    EXPECT_EQ(journal.count({}), 100u);
    EXPECT_EQ(journal.count(first.next), 40u);
    EXPECT_EQ(journal.count(rest.next), 0u);
}

// The shipper reads each batch into the clicks of the one before: every field must be the new
// click's, whatever the old one held (a longer text, a rule, a bot flag), and a shorter batch
// must not keep the old tail.
TEST_F(journal_dir, a_batch_read_into_an_earlier_one_holds_only_the_new_clicks)
{
    click_journal journal(dir);
    for (int i = 0; i < 100; ++i) {
        auto c = make_click(i);
        if (i < 60) {
            c.referer = std::string(300, 'r');
            c.rule = 3;
            c.country = "FR";
        }
        ASSERT_TRUE(journal.append(c));
    }
    journal_batch batch;
    journal.read_into({}, 60, batch);
    ASSERT_EQ(batch.clicks.size(), 60u);
    auto const first_next = batch.next;
    journal.read_into(first_next, 1000, batch);
    auto const fresh = journal.read(first_next, 1000);
    ASSERT_EQ(batch.clicks.size(), 40u);
    ASSERT_EQ(fresh.clicks.size(), 40u);
    for (std::size_t i = 0; i < 40; ++i) {
        EXPECT_EQ(encode_click(batch.clicks[i]), encode_click(fresh.clicks[i])) << i;
        EXPECT_EQ(encode_click(batch.clicks[i]), encode_click(make_click(60 + static_cast<int>(i)))) << i;
    }
    EXPECT_EQ(batch.next.offset, fresh.next.offset);
    journal.read_into(batch.next, 1000, batch);
    EXPECT_TRUE(batch.clicks.empty());
}

TEST_F(journal_dir, segments_rotate_and_shipped_ones_are_removed)
{
    click_journal journal(dir, 1000); // tiny segments
    for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(journal.append(make_click(i)));
    ASSERT_GT(journal.segments().size(), 3u);
    auto const batch = journal.read({}, 1000);
    ASSERT_EQ(batch.clicks.size(), 50u);
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(batch.clicks[static_cast<std::size_t>(i)].link_id, i);
    EXPECT_EQ(journal.count({}), 50u);
    auto const part = journal.read({}, 17); // ends inside a segment
    EXPECT_EQ(journal.count(part.next), 33u);
    journal.remove_segments_before(batch.next.segment);
    EXPECT_EQ(journal.segments().size(), 1u); // only the one being written
    EXPECT_EQ(journal.segments().front(), journal.current_segment());
}

TEST_F(journal_dir, a_restart_continues_in_a_new_segment_and_skips_a_torn_tail)
{
    auto const first_segment = journal_of(3);
    // A crash in the middle of a record leaves half of it behind.
    {
        std::ofstream out(segment_file(first_segment), std::ios::app | std::ios::binary);
        out.write("\x40\x00\x00\x00garbage", 11);
    }
    click_journal journal(dir);
    EXPECT_GT(journal.current_segment(), first_segment);
    journal.append(make_click(3));
    auto const batch = journal.read({}, 1000);
    ASSERT_EQ(batch.clicks.size(), 4u);
    EXPECT_EQ(batch.clicks[3].link_id, 3);
    EXPECT_EQ(batch.skipped_bytes, 11u);
    EXPECT_EQ(journal.count({}), 4u); // the torn tail is not a click
}

TEST_F(journal_dir, a_record_failing_its_checksum_ends_its_segment_for_count_as_for_read)
{
    // One byte of the second record's payload flipped: its checksum no longer holds.
    auto const path = segment_file(journal_of(3));
    {
        std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
        unsigned char header[4] = {}; // the first record's payload length, little-endian
        io.read(reinterpret_cast<char*>(header), 4);
        auto const first_length = header[0] | header[1] << 8 | header[2] << 16 | header[3] << 24;
        auto const second_payload = static_cast<std::streamoff>(8 + first_length + 8);
        io.seekg(second_payload + 4);
        char byte = 0;
        io.read(&byte, 1);
        byte = static_cast<char>(byte ^ 0x5a);
        io.seekp(second_payload + 4);
        io.write(&byte, 1);
    }
    click_journal journal(dir);
    journal.append(make_click(3));
    auto const batch = journal.read({}, 1000);
    ASSERT_EQ(batch.clicks.size(), 2u); // the first, and the one in the next segment
    EXPECT_EQ(batch.clicks[1].link_id, 3);
    EXPECT_EQ(journal.count({}), 2u);
}

TEST_F(journal_dir, a_full_disk_fails_without_throwing_and_counts)
{
    // A file size limit behaves like a full disk (EFBIG), even for root.
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    ::getrlimit(RLIMIT_FSIZE, &saved);
    click_journal journal(dir);
    rlimit const small{2048, saved.rlim_max};
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    int failures = 0;
    for (int i = 0; i < 100; ++i)
        failures += journal.append(make_click(i)) ? 0 : 1;
    ::setrlimit(RLIMIT_FSIZE, &saved);
    EXPECT_GT(failures, 50);
    EXPECT_EQ(journal.segments().size(), 1u); // no empty segment a failure
    EXPECT_EQ(journal.write_failures(), static_cast<std::uint64_t>(failures));
    // What was written before the limit is intact and readable.
    auto const batch = journal.read({}, 1000);
    EXPECT_EQ(batch.clicks.size(), static_cast<std::size_t>(100 - failures));
    // And once there is room again, appends work.
    EXPECT_TRUE(journal.append(make_click(100)));
}

TEST_F(journal_dir, past_its_disk_budget_clicks_are_dropped_and_counted_until_shipping_frees_room)
{
    std::uint64_t const budget = 32 * 1024;
    click_journal journal(dir, 16u << 20, budget);
    int n = 0;
    while (journal.append(make_click(n)))
        ASSERT_LT(++n, 100000) << "the budget never stopped the journal";
    EXPECT_GT(n, 50);
    EXPECT_EQ(journal.dropped_over_budget(), 1u);
    EXPECT_LE(journal.disk_bytes(), budget);
    std::uint64_t on_disk = 0;
    for (auto const& entry : fs::directory_iterator(dir))
        on_disk += fs::file_size(entry.path());
    EXPECT_EQ(on_disk, journal.disk_bytes()) << "the budget must count what is really on disk";
    // Segments are a fraction of the budget, so shipping can give most of it back.
    EXPECT_GE(journal.segments().size(), 4u);
    for (int i = 0; i < 10; ++i)
        EXPECT_FALSE(journal.append(make_click(n + i)));
    EXPECT_EQ(journal.dropped_over_budget(), 11u);
    EXPECT_EQ(journal.appended(), static_cast<std::uint64_t>(n));

    // The shipper has read up to the current segment: the finished ones go, and clicks are
    // journaled again.
    journal.remove_segments_before(journal.current_segment());
    EXPECT_LT(journal.disk_bytes(), budget / 4);
    EXPECT_TRUE(journal.append(make_click(n + 100)));
    EXPECT_EQ(journal.dropped_over_budget(), 11u);
    auto const batch = journal.read({}, 100000);
    ASSERT_FALSE(batch.clicks.empty());
    EXPECT_EQ(batch.clicks.back().click_id, make_click(n + 100).click_id);
}

TEST_F(journal_dir, a_restart_counts_the_segments_already_on_disk_against_the_budget)
{
    {
        click_journal first(dir, 16u << 20, 0);
        for (int i = 0; i < 2000; ++i)
            ASSERT_TRUE(first.append(make_click(i)));
    }
    click_journal second(dir, 16u << 20, 32 * 1024);
    EXPECT_GT(second.disk_bytes(), 32u * 1024);
    EXPECT_FALSE(second.append(make_click(1000)));
    EXPECT_EQ(second.dropped_over_budget(), 1u);
}

TEST_F(journal_dir, the_sync_policy_decides_when_written_clicks_are_forced_to_the_disk)
{
    {
        click_journal never(dir / "none");
        ASSERT_TRUE(never.append(make_click(1)));
        EXPECT_EQ(never.syncs(), 0u);
    }
    {
        // One sync per group commit, however many clicks it carries.
        click_journal always(dir / "always", 16u << 20, 0, {journal_sync::always, {}});
        always.stage(make_click(1));
        always.stage(make_click(2));
        ASSERT_TRUE(always.flush_staged());
        EXPECT_EQ(always.syncs(), 1u);
        ASSERT_TRUE(always.append(make_click(3)));
        EXPECT_EQ(always.syncs(), 2u);
        EXPECT_EQ(always.read({1, 0}, 10).clicks.size(), 3u);
    }
    {
        // In the background, within about an interval of a write, and never when nothing was written.
        click_journal interval(dir / "interval", 16u << 20, 0, {journal_sync::interval, std::chrono::milliseconds(20)});
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        EXPECT_EQ(interval.syncs(), 0u);
        ASSERT_TRUE(interval.append(make_click(1)));
        auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (interval.syncs() == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        EXPECT_EQ(interval.syncs(), 1u);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        EXPECT_EQ(interval.syncs(), 1u) << "synced again with nothing new written";
        EXPECT_EQ(interval.read({1, 0}, 10).clicks.size(), 1u);
    }
}

TEST(crc32, known_vector)
{
    EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
    EXPECT_EQ(crc32_portable("123456789"), 0xCBF43926u);
}

namespace {
std::string pattern_bytes(std::size_t n)
{
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<char>((i * 31 + 7) % 256);
    return out;
}
} // namespace

// Lengths that take the folding road (64 and more), its 16-byte steps and the table's tail;
// the figures are Python's zlib.crc32 of the same bytes.
TEST(crc32, long_records_match_zlib)
{
    EXPECT_EQ(crc32(pattern_bytes(64)), 0x84c86088u);
    EXPECT_EQ(crc32(pattern_bytes(333)), 0x8007c578u);
    EXPECT_EQ(crc32(pattern_bytes(1000)), 0x8902161eu);
}

TEST(crc32, every_length_and_alignment_matches_the_portable_computation)
{
    std::string bytes(1200, '\0');
    std::uint32_t state = 12345;
    for (auto& b : bytes) {
        state = state * 1103515245u + 12345u;
        b = static_cast<char>(state >> 16);
    }
    for (std::size_t offset = 0; offset < 16; ++offset)
        for (std::size_t n = 0; n + offset <= 1100; ++n) {
            std::string_view const data(bytes.data() + offset, n);
            ASSERT_EQ(crc32(data), crc32_portable(data)) << "length " << n << " at offset " << offset;
        }
}
