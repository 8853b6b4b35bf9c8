// A link's clicks are one figure wherever they are shown or used, over the real server and
// PostgreSQL: the links list (`clicks`), the click budget (max_clicks: the bio page's
// out_of_clicks and the redirect's 410), the revenue report's row for the link and the link's own
// page (its daily curve). The clicks come through the journal, as redirects write them: bots
// among them, clicks shipped a day after they were made (a second run of the server), and old
// months whose raw clicks the retention drops. Every figure is counted by hand in the comments.
#include "instance.hpp"
#include "journal_clicks.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>


using namespace linkledger::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// "list=N budget=hidden report=N page=N": the link's clicks as each place counts them.
std::string counts(server_process const& server, std::string const& key, std::string const& link_id,
                   std::string const& period)
{
    auto const get = [&](std::string const& target) {
        auto const reply = api(server.port(), "GET", target, key);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
        return reply.status == 200 ? reply.json().as_object() : boost::json::object{};
    };
    std::string out = "list=" + std::to_string(get("/api/v1/links/" + link_id).at("clicks").as_int64());
    auto const cards = get("/api/v1/profile/links");
    for (auto const& card : cards.at("links").as_array())
        if (std::to_string(card.at("id").as_int64()) == link_id)
            out += " budget=" + (card.at("hidden").is_null() ? std::string("open") : std::string(card.at("hidden").as_string()));
    std::int64_t reported = 0;
    auto const report = get("/api/v1/reports/revenue?group_by=link&tz=UTC&" + period);
    for (auto const& row : report.at("rows").as_array())
        if (!row.at("key").is_null() && row.at("key").as_string() == link_id)
            reported += row.at("clicks").as_int64(); // once: a link without sales has one row
    out += " report=" + std::to_string(reported);
    out += " page=" + std::to_string(get("/api/v1/links/" + link_id + "/daily?tz=UTC&" + period)
                                         .at("totals").at(0).at("clicks").as_int64());
    return out;
}

} // namespace

TEST(link_click_count, the_links_list_the_click_budget_the_report_and_the_page_count_one_figure)
{
    scratch_database db("link_click_count");
    auto const key = make_api_key(db);
    auto const link_id = db.query_value(
        "INSERT INTO links (slug, target_url, bio, max_clicks) VALUES ('counted', 'https://shop.example/p', true, 5) "
        "RETURNING id");

    // Two days: one in a month the 30-day retention drops whole (three months back), and yesterday.
    auto const now = system_clock::now();
    auto const today = floor<days>(now);
    year_month_day const three_months_back{today - days(92)};
    auto const old_day = sys_days(three_months_back.year() / three_months_back.month() / 1);
    auto const yesterday = today - days(1);
    auto const period = "from=" + day_text(old_day) + "&to=" + day_text(today + days(1));
    journal_dir const data_dir("click-count");
    auto const id = std::stoll(link_id);
    {
        // Each day: two visitors and a bot (not a click).
        auto journal = data_dir.journal();
        int n = 0;
        for (auto const day : {old_day, yesterday})
            for (int visitor : {1, 2, 0}) {
                ++n;
                ASSERT_TRUE(journal.append(journal_click("cc" + std::to_string(n), id, day + hours(12) + seconds(n),
                                                         "203.0.113." + std::to_string(visitor), visitor == 0)));
            }
    }
    {
        server_process keeps_all(db.url(), {{"LINKLEDGER_CLICK_RETENTION_DAYS", "36500"}}, data_dir.string());
        ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", "6", 30s), "6") << keeps_all.process().log();
        // 2 + 2 human clicks, under the budget of 5.
        EXPECT_EQ(counts(keeps_all, key, link_id, period), "list=4 budget=open report=4 page=4");
    }
    {
        // Made yesterday, shipped only now (the journal of a node that was away): one more visitor, one more bot.
        auto journal = data_dir.journal();
        ASSERT_TRUE(journal.append(journal_click("cc-late", id, yesterday + hours(20), "203.0.113.3")));
        ASSERT_TRUE(journal.append(journal_click("cc-late-bot", id, yesterday + hours(20) + seconds(1), "203.0.113.4", true)));
    }
    server_process keeps_30_days(db.url(), {{"LINKLEDGER_CLICK_RETENTION_DAYS", "30"}}, data_dir.string());
    auto const old_partition = "clicks_" + day_text(old_day).substr(0, 4) + day_text(old_day).substr(5, 2);
    ASSERT_TRUE(keeps_30_days.process().wait_for_log("dropped partition " + old_partition, 30s)) << keeps_30_days.process().log();
    ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", "5", 30s), "5") << keeps_30_days.process().log();
    // The old day's raw clicks are gone, its 2 clicks stay counted; yesterday has 3: 5, the budget.
    EXPECT_EQ(counts(keeps_30_days, key, link_id, period), "list=5 budget=out_of_clicks report=5 page=5");
    // The redirect's budget, reloaded from the links store when the link is changed through the
    // API, agrees: the link is out of clicks, and a refused visit is no click.
    ASSERT_EQ(api(keeps_30_days.port(), "PATCH", "/api/v1/links/" + link_id, key, R"({"title":"Counted"})").status, 200);
    EXPECT_EQ(send(keeps_30_days.port(), {"GET", "/counted", "", {{"User-Agent", "Mozilla/5.0 (iPhone)"}}}).status, 410);
    EXPECT_EQ(counts(keeps_30_days, key, link_id, period), "list=5 budget=out_of_clicks report=5 page=5");
}
