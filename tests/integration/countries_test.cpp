// Countries out of the box: the free country file the install step brings
// (deploy/fetch-country-db.sh, run by tests/run.sh and deploy/run-local.sh) resolves real public
// addresses, through a trusted proxy's X-Forwarded-For as a real deployment sees them.
#include "instance.hpp"

#include "clicks/geoip.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace linkledger::testing;

namespace {

constexpr char const* k_phone_ua =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

std::string country_file()
{
    return source_file("data/geoip/country.mmdb");
}

} // namespace

TEST(countries, the_bundled_file_knows_well_known_addresses)
{
    if (!std::filesystem::exists(country_file()))
        GTEST_SKIP() << "no " << country_file() << ": run deploy/fetch-country-db.sh (tests/run.sh does)";
    linkledger::clicks::geoip geo(country_file());
    EXPECT_FALSE(geo.built().empty());
    EXPECT_EQ(geo.country("8.8.8.8"), "US");             // Google's public resolver
    EXPECT_EQ(geo.country("193.0.6.139"), "NL");         // RIPE NCC, Amsterdam
    EXPECT_EQ(geo.country("2001:67c:2e8:22::c100:68b"), "NL");
    EXPECT_EQ(geo.country("202.12.29.205"), "AU");       // APNIC, Brisbane
    EXPECT_EQ(geo.country("10.1.2.3"), "unknown");       // private: no country
    EXPECT_EQ(geo.country("not an address"), "unknown");
}

TEST(countries, a_click_through_a_proxy_is_stored_with_its_country)
{
    if (!std::filesystem::exists(country_file()))
        GTEST_SKIP() << "no " << country_file() << ": run deploy/fetch-country-db.sh (tests/run.sh does)";
    instance ll("countries", {{"LINKLEDGER_GEOIP_DB", country_file()}, {"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1"}});
    ll.create_link(R"({"target_url":"https://shop.example/p","slug":"where"})");
    for (auto const* ip : {"8.8.8.8", "193.0.6.139"}) {
        auto const reply = send(ll.port(), {"GET", "/where", "", {{"User-Agent", k_phone_ua}, {"X-Forwarded-For", ip}}});
        EXPECT_EQ(reply.status, 302) << reply.body;
    }
    EXPECT_EQ(ll.db().wait_for_value("SELECT string_agg(country, ',' ORDER BY country) FROM clicks", "NL,US"), "NL,US");
    EXPECT_EQ(ll.db().query_value("SELECT string_agg(country, ',' ORDER BY country) FROM click_rollups_daily"), "NL,US");
}

TEST(countries, none_turns_countries_off)
{
    instance ll("countries_off", {{"LINKLEDGER_GEOIP_DB", "none"}, {"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1"}});
    ll.create_link(R"({"target_url":"https://shop.example/p","slug":"nowhere"})");
    EXPECT_EQ(send(ll.port(), {"GET", "/nowhere", "", {{"User-Agent", k_phone_ua}, {"X-Forwarded-For", "8.8.8.8"}}}).status, 302);
    EXPECT_EQ(ll.db().wait_for_value("SELECT country FROM clicks", "unknown"), "unknown");
}
