// Unit tests for metrics/: sharded counters add up across threads, requests are counted by
// route and status, the histogram is cumulative, and the text follows the exposition format.
#include "metrics/http_metrics.hpp"
#include "metrics/prometheus_text.hpp"
#include "metrics/sharded_counters.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace linkledger::metrics;
using namespace std::chrono_literals;

TEST(sharded_counters, threads_add_up)
{
    sharded_counters counters(10);
    std::vector<std::thread> threads;
    for (int t = 0; t < 20; ++t) // more threads than shards: some share, none is lost
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) {
                counters.add(3);
                counters.add(9, 2);
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(counters.sum(3), 20000u);
    EXPECT_EQ(counters.sum(9), 40000u);
    EXPECT_EQ(counters.sum(0), 0u);
}

TEST(http_metrics, status_slots_keep_common_codes_and_classes)
{
    EXPECT_NE(status_slot(302), status_slot(200));
    EXPECT_NE(status_slot(404), status_slot(410));
    EXPECT_EQ(status_slot(418), status_slot(451)); // both "4xx"
    EXPECT_NE(status_slot(418), status_slot(599));
    EXPECT_EQ(status_slot(0), status_slot(150)); // nonsense lands in a class, never out of range
    EXPECT_EQ(status_slot(999), status_slot(599));
}

TEST(http_metrics, counts_by_route_and_status_with_a_cumulative_histogram)
{
    http_metrics m;
    m.set_routes({{"GET", "/healthz"}, {"GET", "/{slug}"}});
    m.observe(1, 302, 80us);
    m.observe(1, 302, 3ms);
    m.observe(1, 404, 2s);
    m.observe(0, 200, 10us);
    m.observe(2, 404, 1us);  // unmatched
    m.observe(77, 404, 1us); // out of range counts as unmatched, never writes past the rows
    EXPECT_EQ(m.requests(1, 302), 2u);
    EXPECT_EQ(m.requests(1, 404), 1u);
    EXPECT_EQ(m.requests(2, 404), 2u);

    prometheus_text out;
    m.render(out);
    auto const& text = out.text();
    EXPECT_NE(text.find("# TYPE linkledger_http_requests_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("linkledger_http_requests_total{method=\"GET\",route=\"/{slug}\",status=\"302\"} 2\n"),
              std::string::npos) << text;
    EXPECT_NE(text.find("linkledger_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 2\n"),
              std::string::npos) << text;
    EXPECT_EQ(text.find("status=\"500\""), std::string::npos) << "series that never happened are left out";
    EXPECT_NE(text.find("# TYPE linkledger_http_request_duration_seconds histogram\n"), std::string::npos);
    EXPECT_NE(text.find("linkledger_http_request_duration_seconds_bucket{method=\"GET\",route=\"/{slug}\",le=\"0.0001\"} 1\n"),
              std::string::npos) << text;
    EXPECT_NE(text.find("linkledger_http_request_duration_seconds_bucket{method=\"GET\",route=\"/{slug}\",le=\"0.005\"} 2\n"),
              std::string::npos) << text;
    EXPECT_NE(text.find("linkledger_http_request_duration_seconds_bucket{method=\"GET\",route=\"/{slug}\",le=\"1\"} 2\n"),
              std::string::npos) << text;
    EXPECT_NE(text.find("linkledger_http_request_duration_seconds_bucket{method=\"GET\",route=\"/{slug}\",le=\"+Inf\"} 3\n"),
              std::string::npos) << text;
    EXPECT_NE(text.find("linkledger_http_request_duration_seconds_count{method=\"GET\",route=\"/{slug}\"} 3\n"),
              std::string::npos) << text;
    EXPECT_NE(text.find("linkledger_http_request_duration_seconds_sum{method=\"GET\",route=\"/{slug}\"} 2.00308\n"),
              std::string::npos) << text;
}

TEST(prometheus_text, label_values_are_escaped)
{
    prometheus_text out;
    out.family("linkledger_x", "gauge", "A test.");
    out.sample("linkledger_x", {{"status", "a\"b\\c\nd"}}, std::uint64_t{7});
    out.sample("linkledger_y", {}, 0.5);
    EXPECT_EQ(out.text(), "# HELP linkledger_x A test.\n# TYPE linkledger_x gauge\n"
                          "linkledger_x{status=\"a\\\"b\\\\c\\nd\"} 7\nlinkledger_y 0.5\n");
}
