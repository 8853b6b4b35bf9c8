// Unit tests for http/rate_limiter.hpp: which routes are limited, the token-bucket arithmetic
// on a clock the test moves, Retry-After, IPv6 clients keyed by /64, and idle buckets swept.
#include "http/rate_limiter.hpp"

#include <gtest/gtest.h>

using namespace linkledger::http;
using namespace std::chrono_literals;

namespace {

rate_limiter::limits only(route_class c, rate_limit limit)
{
    rate_limiter::limits all{};
    all[static_cast<std::size_t>(c)] = limit;
    return all;
}

TEST(rate_limiter, classifies_only_login_postback_webhook_and_api_routes)
{
    EXPECT_EQ(classify_route(verb::get, "/api/v1/links"), route_class::api);
    EXPECT_EQ(classify_route(verb::post, "/api/v1/conversions/import?offer_id=1"), route_class::api);
    EXPECT_EQ(classify_route(verb::get, "/postback/12?token=x"), route_class::postback);
    EXPECT_EQ(classify_route(verb::post, "/webhooks/shopify/3"), route_class::webhook);
    EXPECT_EQ(classify_route(verb::post, "/login"), route_class::login);
    EXPECT_EQ(classify_route(verb::post, "/login?next=/dashboard"), route_class::login);
    // Redirects (even slugs that look like a prefix), health, pages and metrics never are.
    for (auto const* target : {"/", "/abc", "/apiary", "/api-sale", "/postbacks", "/webhooksale",
                               "/loginx", "/healthz", "/readyz", "/metrics", "/@lea", "/dashboard"})
        EXPECT_EQ(classify_route(verb::get, target), std::nullopt) << target;
    EXPECT_EQ(classify_route(verb::get, "/login"), std::nullopt) << "showing the form is not an attempt";
    EXPECT_EQ(classify_route(verb::head, "/abc"), std::nullopt);
}

// The router decodes each segment before matching: an encoded first segment reaches the same
// routes and is limited as they are.
TEST(rate_limiter, an_encoded_first_segment_is_classified_as_the_router_reads_it)
{
    EXPECT_EQ(classify_route(verb::get, "/%61pi/v1/currencies"), route_class::api);
    EXPECT_EQ(classify_route(verb::get, "/%61%70%69"), route_class::api);
    EXPECT_EQ(classify_route(verb::post, "/%6cogin"), route_class::login);
    EXPECT_EQ(classify_route(verb::post, "/%6Cogin?next=/x"), route_class::login);
    EXPECT_EQ(classify_route(verb::get, "/%70ostback/1?token=x"), route_class::postback);
    EXPECT_EQ(classify_route(verb::post, "/%77ebhooks/shopify/1"), route_class::webhook);
    EXPECT_EQ(classify_route(verb::get, "/caf%C3%A9"), std::nullopt) << "an encoded slug is a redirect";
    EXPECT_EQ(classify_route(verb::get, "/%zz"), std::nullopt);
}

TEST(rate_limiter, a_burst_then_the_rate_with_retry_after_in_whole_seconds)
{
    rate_limiter limiter(only(route_class::api, {2, 5}));
    auto const t0 = rate_limiter::clock::time_point{} + 1h;
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(limiter.admit(route_class::api, "198.51.100.7", t0), 0u) << i;
    EXPECT_EQ(limiter.admit(route_class::api, "198.51.100.7", t0), 1u);
    EXPECT_EQ(limiter.rejected(route_class::api), 1u);
    // Another address has its own bucket; other classes are not limited here.
    EXPECT_EQ(limiter.admit(route_class::api, "198.51.100.8", t0), 0u);
    EXPECT_EQ(limiter.admit(route_class::login, "198.51.100.7", t0), 0u);
    // Two tokens a second: half a second buys one request, not two.
    EXPECT_EQ(limiter.admit(route_class::api, "198.51.100.7", t0 + 500ms), 0u);
    EXPECT_EQ(limiter.admit(route_class::api, "198.51.100.7", t0 + 500ms), 1u);
    // A long pause refills to the burst, never beyond.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(limiter.admit(route_class::api, "198.51.100.7", t0 + 1h), 0u) << i;
    EXPECT_NE(limiter.admit(route_class::api, "198.51.100.7", t0 + 1h), 0u);
    EXPECT_EQ(limiter.rejected(route_class::api), 3u);
}

TEST(rate_limiter, slow_rates_say_how_long_to_wait)
{
    rate_limiter limiter(only(route_class::login, {0.2, 2}));
    auto const t0 = rate_limiter::clock::time_point{} + 1h;
    EXPECT_EQ(limiter.admit(route_class::login, "203.0.113.9", t0), 0u);
    EXPECT_EQ(limiter.admit(route_class::login, "203.0.113.9", t0), 0u);
    EXPECT_EQ(limiter.admit(route_class::login, "203.0.113.9", t0), 5u);
    EXPECT_EQ(limiter.admit(route_class::login, "203.0.113.9", t0 + 3s), 2u);
    EXPECT_EQ(limiter.admit(route_class::login, "203.0.113.9", t0 + 5s), 0u);
}

TEST(rate_limiter, ipv6_clients_share_a_bucket_per_64)
{
    rate_limiter limiter(only(route_class::postback, {1, 2}));
    auto const t0 = rate_limiter::clock::time_point{} + 1h;
    EXPECT_EQ(limiter.admit(route_class::postback, "2001:db8:1:2::1", t0), 0u);
    EXPECT_EQ(limiter.admit(route_class::postback, "2001:db8:1:2:ffff::9", t0), 0u);
    EXPECT_NE(limiter.admit(route_class::postback, "2001:db8:1:2:abcd::7", t0), 0u);
    EXPECT_EQ(limiter.admit(route_class::postback, "2001:db8:1:3::1", t0), 0u);
}

TEST(rate_limiter, a_disabled_class_admits_everything_and_keeps_nothing)
{
    rate_limiter limiter(only(route_class::api, {}));
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(limiter.admit(route_class::api, "198.51.100.1"), 0u);
    EXPECT_EQ(limiter.tracked_clients(), 0u);
    EXPECT_FALSE(limiter.enabled(route_class::api));
}

TEST(rate_limiter, idle_clients_are_forgotten_and_memory_stays_bounded)
{
    rate_limiter limiter(only(route_class::api, {10, 10}), 1600);
    auto const t0 = rate_limiter::clock::time_point{} + 1h;
    for (int i = 0; i < 1000; ++i)
        limiter.admit(route_class::api, "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), t0);
    EXPECT_EQ(limiter.tracked_clients(), 1000u);
    // A minute later those buckets are full again, so equal to none: the next requests sweep them.
    auto const later = t0 + 60s;
    for (int i = 0; i < 640; ++i)
        limiter.admit(route_class::api, "10.9." + std::to_string(i / 200) + "." + std::to_string(i % 200), later);
    EXPECT_LE(limiter.tracked_clients(), 640u);
    // A flood of distinct addresses within one refill time never holds more than the bound.
    for (int i = 0; i < 20000; ++i)
        limiter.admit(route_class::api, "172.16." + std::to_string(i / 250) + "." + std::to_string(i % 250), later);
    EXPECT_LE(limiter.tracked_clients(), 1600u);
}

TEST(rate_limiter, parses_rate_and_burst)
{
    EXPECT_DOUBLE_EQ(parse_rate_limit("20/100").per_second, 20);
    EXPECT_EQ(parse_rate_limit("20/100").burst, 100u);
    EXPECT_DOUBLE_EQ(parse_rate_limit("0.2/10").per_second, 0.2);
    EXPECT_FALSE(parse_rate_limit("0").enabled());
    EXPECT_EQ(parse_rate_limit("0.5/3").text(), "0.5/3");
    EXPECT_THROW(parse_rate_limit("20"), std::invalid_argument);
    EXPECT_THROW(parse_rate_limit("20/0"), std::invalid_argument);
    EXPECT_THROW(parse_rate_limit("inf/5"), std::invalid_argument);
}

TEST(rate_limiter, the_429_body_names_the_wait)
{
    auto const res = rate_limited_response(route_class::api, 3);
    EXPECT_EQ(res.result(), status::too_many_requests);
    EXPECT_EQ(res[bhttp::field::retry_after], "3");
    EXPECT_NE(res.body().find(R"("retry_after":3)"), std::string::npos) << res.body();
    EXPECT_NE(res.body().find(R"("code":"rate_limited")"), std::string::npos) << res.body();
}

} // namespace
