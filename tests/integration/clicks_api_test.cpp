// GET /api/v1/clicks over the real server and PostgreSQL: the newest clicks first, of one
// link or of every link, bounded by `since` (7 days ago unless given) and `limit`. Without a
// link the clicks are walked by their time-ordered id (migration 0018), so the test also
// holds every shipped id to the millisecond of its click.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

class clicks_api : public shared_instance_test<clicks_api> {
public:
    static constexpr char const* k_label = "clicks_api";

protected:
    // The click id the redirect put into its Location (the target holds {click_id}).
    static std::string click(std::string const& slug)
    {
        auto const reply = send(ll->port(), {"GET", "/" + slug, "", {}});
        EXPECT_EQ(reply.status, 302) << reply.body;
        auto const location = reply.header("Location");
        return location.substr(location.find("c=") + 2);
    }
    static std::vector<std::string> listed(std::string const& query)
    {
        auto const reply = ll->api("GET", "/api/v1/clicks" + query);
        EXPECT_EQ(reply.status, 200) << reply.body;
        auto const body = reply.json();
        std::vector<std::string> ids;
        for (auto const& c : body.at("clicks").as_array())
            ids.emplace_back(c.at("click_id").as_string());
        return ids;
    }
};

TEST_F(clicks_api, newest_first_of_every_link_or_of_one_within_since_and_limit)
{
    auto const a = ll->create_link(R"({"target_url":"https://shop.example/a?c={click_id}","slug":"ca-a"})");
    ll->create_link(R"({"target_url":"https://shop.example/b?c={click_id}","slug":"ca-b"})");
    auto const a_id = std::to_string(a.at("id").as_int64());
    // A click of 10 days ago, as the shipper would have written it: outside the default week.
    // Partitions are months in UTC, whatever the session's zone.
    ll->db().execute("SELECT linkledger_ensure_click_partition(((now() - interval '10 days') AT TIME ZONE 'UTC')::date)");
    ll->db().execute("INSERT INTO clicks (click_id, at, link_id) SELECT linkledger_click_id_floor(t), t, " + a_id +
                     " FROM (SELECT now() - interval '10 days' AS t) x");
    std::vector<std::string> made; // oldest first: a b a b a
    for (auto const* slug : {"ca-a", "ca-b", "ca-a", "ca-b", "ca-a"}) {
        made.push_back(click(slug));
        std::this_thread::sleep_for(3ms); // each in its own millisecond
    }
    ASSERT_EQ(ll->db().wait_for_value("SELECT count(*) FROM clicks", "6"), "6");

    std::vector<std::string> const newest_three{made[4], made[3], made[2]};
    EXPECT_EQ(listed("?limit=3"), newest_three);
    std::vector<std::string> const week{made[4], made[3], made[2], made[1], made[0]};
    EXPECT_EQ(listed(""), week);
    auto const all = listed("?since=" + ll->db().query_value(
        "SELECT to_char((now() - interval '11 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"));
    ASSERT_EQ(all.size(), 6u);
    EXPECT_EQ(std::vector(all.begin(), all.begin() + 5), week);
    EXPECT_TRUE(listed("?since=2099-01-01T00:00:00Z").empty());
    // An offset's '+' sent unencoded (a query reads it as a space) is a 200, not a 400 (the sign
    // read is the unit test's).
    auto const paris_wall_clock = ll->db().query_value(
        "SELECT to_char((now() - interval '11 days') AT TIME ZONE INTERVAL '01:00', 'YYYY-MM-DD\"T\"HH24:MI:SS')");
    EXPECT_EQ(listed("?since=" + paris_wall_clock + "%2B01:00").size(), 6u);
    EXPECT_EQ(listed("?since=" + paris_wall_clock + "+01:00").size(), 6u);

    std::vector<std::string> const of_a{made[4], made[2], made[0]};
    EXPECT_EQ(listed("?link_id=" + a_id), of_a);
    EXPECT_EQ(listed("?link_id=" + a_id + "&limit=2"), std::vector(of_a.begin(), of_a.begin() + 2));
    EXPECT_EQ(listed("?link_id=" + a_id + "&since=2020-01-01T00:00:00Z").size(), 4u);

    // The walk by id relies on this: every id lies between its millisecond's floor and the next's.
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM clicks WHERE click_id < linkledger_click_id_floor(at) "
                                   "OR click_id >= linkledger_click_id_floor(at + interval '1 ms')"),
              "0");
}

TEST_F(clicks_api, a_bad_limit_link_or_since_is_a_400_naming_it)
{
    for (auto const& [query, field] : std::vector<std::pair<std::string, std::string>>{
             {"?limit=0", "limit"}, {"?limit=1001", "limit"}, {"?limit=x", "limit"},
             {"?link_id=-1", "link_id"}, {"?link_id=a", "link_id"}, {"?since=yesterday", "since"},
             // Shaped like a time, but not one PostgreSQL can read (it was a 500).
             {"?since=2026-02-29", "since"}, {"?since=2026-01-01T25:00", "since"}, {"?since=0000-01-01", "since"},
             {"?since=2026-01-01T00:00:00-24:00", "since"}, {"?link_id=1&since=2026-02-29", "since"},
             {"?since=2026-02-30T00:00:00Z", "since"}}) {
        auto const reply = ll->api("GET", "/api/v1/clicks" + query);
        EXPECT_EQ(reply.status, 400) << query << ": " << reply.body;
        if (reply.status == 400) {
            EXPECT_EQ(reply.json().at("error").at("field").as_string(), field) << query;
        }
    }
}

} // namespace
