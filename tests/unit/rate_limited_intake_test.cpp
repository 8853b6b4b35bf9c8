// The tally behind the audit entries of refused postbacks and shop deliveries
// (money/rate_limited_intake): a flood is counted, not listed, and the sources told apart in a
// window are bounded, whatever the number of addresses. No database: nothing is written here.
#include "money/rate_limited_intake.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

using linkledger::http::route_class;
using linkledger::money::rate_limited_intake;

namespace {

linkledger::http::rate_limiter::limits const k_limits{};

} // namespace

TEST(rate_limited_intake, a_flood_from_one_address_is_one_source_with_its_count)
{
    linkledger::db::database unused("postgresql://nowhere.invalid/none", 1);
    rate_limited_intake tally(unused, k_limits);
    auto const start = std::chrono::system_clock::now();
    for (int i = 0; i < 100000; ++i)
        tally.count(route_class::postback, "203.0.113.9", "/postback/7?token=t&txid=" + std::to_string(i),
                    start + std::chrono::milliseconds(i));
    auto const taken = tally.take();
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_EQ(taken[0].refused, 100000u);
    EXPECT_EQ(taken[0].door, "postback");
    EXPECT_EQ(taken[0].offer_id, 7);
    EXPECT_EQ(taken[0].client, "203.0.113.9");
    EXPECT_EQ(taken[0].first, start);
    EXPECT_EQ(taken[0].last, start + std::chrono::milliseconds(99999));
    EXPECT_TRUE(tally.take().empty()) << "a new window starts empty";
}

TEST(rate_limited_intake, past_the_cap_other_sources_share_one_entry_per_class)
{
    linkledger::db::database unused("postgresql://nowhere.invalid/none", 1);
    rate_limited_intake tally(unused, k_limits);
    for (int host = 0; host < 200; ++host)
        for (int i = 0; i < 3; ++i)
            tally.count(route_class::postback, "198.51.100." + std::to_string(host), "/postback/7");
    tally.count(route_class::webhook, "192.0.2.1", "/webhooks/woocommerce/8");
    auto const taken = tally.take();
    ASSERT_EQ(taken.size(), rate_limited_intake::k_max_sources + 2);
    std::uint64_t refused = 0, others = 0, webhook_others = 0;
    for (auto const& source : taken) {
        refused += source.refused;
        if (source.client.empty()) {
            EXPECT_FALSE(source.offer_id.has_value());
            (source.route == route_class::postback ? others : webhook_others) += source.refused;
        }
    }
    EXPECT_EQ(refused, 601u) << "every refusal counted";
    EXPECT_EQ(others, (200 - rate_limited_intake::k_max_sources) * 3);
    EXPECT_EQ(webhook_others, 1u) << "the 33rd source, a delivery, in its class's entry";
}

TEST(rate_limited_intake, doors_offers_and_ipv6_subscribers_are_told_apart_as_the_limiter_keys_them)
{
    linkledger::db::database unused("postgresql://nowhere.invalid/none", 1);
    rate_limited_intake tally(unused, k_limits);
    tally.count(route_class::postback, "2001:db8:1:2::5", "/postback/7");
    tally.count(route_class::postback, "2001:db8:1:2:ffff::9", "/postback/7");
    tally.count(route_class::webhook, "192.0.2.1", "/webhooks/shopify/7");
    tally.count(route_class::webhook, "192.0.2.1", "/webhooks/woocommerce/7");
    tally.count(route_class::postback, "192.0.2.1", "/postback/not-an-id");
    tally.count(route_class::api, "192.0.2.1", "/api/v1/links");
    tally.count(route_class::login, "192.0.2.1", "/login");
    auto const taken = tally.take();
    ASSERT_EQ(taken.size(), 4u);
    std::map<std::string, std::uint64_t> by;
    for (auto const& source : taken)
        by[source.door + " " + (source.offer_id ? std::to_string(*source.offer_id) : "?") + " " + source.client] +=
            source.refused;
    EXPECT_EQ(by["postback 7 2001:db8:1:2::/64"], 2u);
    EXPECT_EQ(by["shopify 7 192.0.2.1"], 1u);
    EXPECT_EQ(by["woocommerce 7 192.0.2.1"], 1u);
    EXPECT_EQ(by["postback ? 192.0.2.1"], 1u);
}
