#include "links/redirect_table.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

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

redirect_entry version_of(std::int64_t id, std::int64_t revision, bool deleted)
{
    redirect_entry e{id, "https://shop.example/r" + std::to_string(revision), !deleted, deleted};
    e.revision = revision;
    return e;
}

// CI saw a deleted link redirect: the listener's read of the link, begun before the delete
// committed, was put after the API's put of the deleted link.
TEST(redirect_table, an_earlier_version_put_last_does_not_replace_a_later_one)
{
    redirect_table table;
    table.put("gpd", version_of(4, 3, true));
    table.put("gpd", version_of(4, 2, false));
    ASSERT_TRUE(table.find("gpd"));
    EXPECT_TRUE(table.find("gpd")->deleted);
    EXPECT_EQ(table.find("gpd")->revision, 3);

    table.put("gpd", version_of(4, 3, true));
    table.put("gpd", version_of(4, 4, false));
    EXPECT_EQ(table.find("gpd")->revision, 4);
    EXPECT_FALSE(table.find("gpd")->deleted);
}

TEST(redirect_table, a_reload_keeps_the_later_of_its_read_and_what_was_put_during_it)
{
    redirect_table table;
    // Held before the reload: the read is what the database holds, revisions gone back included.
    table.put("ahead", version_of(1, 5, true));
    table.put("behind", version_of(2, 1, false));
    table.begin_reload();
    // A put of this process made before another instance's later edit that the read saw.
    table.put("overtaken", version_of(3, 1, false));
    table.put("during", version_of(5, 2, true));
    table.replace_all({{"ahead", version_of(1, 4, false)},
                       {"behind", version_of(2, 2, true)},
                       {"overtaken", version_of(3, 2, true)},
                       {"during", version_of(5, 1, false)}});
    EXPECT_EQ(table.find("ahead")->revision, 4);
    EXPECT_FALSE(table.find("ahead")->deleted);
    EXPECT_EQ(table.find("behind")->revision, 2);
    EXPECT_EQ(table.find("overtaken")->revision, 2);
    EXPECT_TRUE(table.find("overtaken")->deleted);
    EXPECT_EQ(table.find("during")->revision, 2);
    EXPECT_TRUE(table.find("during")->deleted);
}

// Another link under a slug (a slug freed by a hard delete) is no version of the one held.
TEST(redirect_table, another_link_under_the_slug_replaces_whatever_its_revision)
{
    redirect_table table;
    table.put("s", version_of(1, 9, false));
    table.put("s", version_of(2, 1, false));
    EXPECT_EQ(table.find("s")->id, 2);
}

// What the server logged while an instance lives (the default logger, as logging:: writes).
class captured_log {
public:
    captured_log() : previous_(spdlog::default_logger())
    {
        auto logger = std::make_shared<spdlog::logger>("captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
        logger->set_pattern("%l %v");
        spdlog::set_default_logger(logger);
    }
    ~captured_log() { spdlog::set_default_logger(previous_); }
    captured_log(captured_log const&) = delete;
    captured_log& operator=(captured_log const&) = delete;

    int count(std::string const& text) const
    {
        auto const all = out_.str();
        int n = 0;
        for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + 1))
            ++n;
        return n;
    }

private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> previous_;
};

// The full reload every minute rebuilds every entry: a link with a stored problem was warned
// of once per minute for as long as it stayed (found in the logs of a long-running instance).
TEST(redirect_table, a_stored_problem_is_warned_of_once_not_at_every_reload)
{
    captured_log log;
    redirect_table table;
    redirect_entry unsafe{3, "https://{source}/x", true, false};
    unsafe.rules_json = "not json";
    table.put("unsafe", unsafe);
    EXPECT_EQ(log.count("is not served until its target is edited"), 1);
    EXPECT_EQ(log.count("its stored rules do not parse"), 1);
    for (int reload = 0; reload < 3; ++reload) {
        table.begin_reload();
        table.replace_all({{"unsafe", unsafe}});
    }
    table.put("unsafe", unsafe);
    EXPECT_EQ(log.count("is not served until its target is edited"), 1);
    EXPECT_EQ(log.count("its stored rules do not parse"), 1);
    ASSERT_TRUE(table.find("unsafe"));
    EXPECT_FALSE(table.find("unsafe")->active);

    // Another unsafe target is news: said once more.
    unsafe.target_url = "https://{slug}.example/x";
    table.begin_reload();
    table.replace_all({{"unsafe", unsafe}});
    EXPECT_EQ(log.count("is not served until its target is edited"), 2);

    // A paused link is not checked; put back with the same unsafe target, it is said.
    redirect_entry paused{4, "https://{source}/y", false, false};
    table.put("paused", paused);
    EXPECT_EQ(log.count("is not served until its target is edited"), 2);
    paused.active = true;
    table.put("paused", paused);
    EXPECT_EQ(log.count("is not served until its target is edited"), 3);
    EXPECT_FALSE(table.find("paused")->active);
}

} // namespace
} // namespace linkledger::links
