// Requests by route pattern and status, and their duration histogram. Each route gets a
// fixed row of sharded counters when the routes are known, so counting a request is an array
// index and a few relaxed atomic adds on this thread's own cache lines.
#pragma once

#include "http/request_observer.hpp"
#include "http/router.hpp"
#include "metrics/prometheus_text.hpp"
#include "metrics/sharded_counters.hpp"

#include <array>
#include <memory>
#include <vector>

namespace linkledger::metrics {

class http_metrics final : public http::request_observer {
public:
    // Upper bounds of the duration buckets, in seconds: from a fast redirect (~100 us) to a
    // slow report query.
    static constexpr std::array<double, 14> k_bucket_seconds{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   5.0};

    // Fixes the label set: one row per registered route plus one for unmatched requests.
    // Call once, after every route is added and before requests arrive.
    void set_routes(std::vector<http::router::route_label> routes);

    void observe(std::size_t route, unsigned status, std::chrono::nanoseconds took) noexcept override;

    void render(prometheus_text& out) const;

    // For tests: the number of requests seen for a route and status.
    std::uint64_t requests(std::size_t route, unsigned status) const;

private:
    std::size_t row_offset(std::size_t route) const;

    std::vector<http::router::route_label> routes_;
    std::size_t row_size_ = 0;
    std::unique_ptr<sharded_counters> counters_;
};

// Where a status code is counted: one slot per common code, then one per class ("4xx").
std::size_t status_slot(unsigned status) noexcept;

} // namespace linkledger::metrics
