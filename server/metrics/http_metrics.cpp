#include "metrics/http_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace linkledger::metrics {
namespace {

constexpr std::array<unsigned, 22> k_statuses{200, 201, 202, 204, 301, 302, 303, 304,
                                              307, 308, 400, 401, 403, 404, 405, 409,
                                              410, 413, 429, 431, 500, 503};
constexpr std::size_t k_class_slots = 5; // 1xx .. 5xx, for codes not listed above
constexpr std::size_t k_status_slots = k_statuses.size() + k_class_slots;
constexpr std::size_t k_bucket_slots = http_metrics::k_bucket_seconds.size() + 1; // + Inf
// Row layout: status slots, duration buckets (not cumulative), duration sum in nanoseconds.
constexpr std::size_t k_row_size = k_status_slots + k_bucket_slots + 1;

constexpr auto k_bucket_nanos = [] {
    std::array<std::int64_t, http_metrics::k_bucket_seconds.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::int64_t>(http_metrics::k_bucket_seconds[i] * 1e9 + 0.5);
    return out;
}();

std::string status_label(std::size_t slot)
{
    if (slot < k_statuses.size())
        return std::to_string(k_statuses[slot]);
    return std::to_string(slot - k_statuses.size() + 1) + "xx";
}

std::string seconds_label(double seconds)
{
    return fmt::format("{}", seconds);
}

} // namespace

std::size_t status_slot(unsigned status) noexcept
{
    for (std::size_t i = 0; i < k_statuses.size(); ++i)
        if (k_statuses[i] == status)
            return i;
    auto const cls = std::clamp(status / 100, 1u, 5u);
    return k_statuses.size() + cls - 1;
}

void http_metrics::set_routes(std::vector<http::router::route_label> routes)
{
    routes_ = std::move(routes);
    routes_.push_back({"", "unmatched"});
    row_size_ = k_row_size;
    counters_ = std::make_unique<sharded_counters>(routes_.size() * row_size_);
}

std::size_t http_metrics::row_offset(std::size_t route) const
{
    return std::min(route, routes_.size() - 1) * row_size_;
}

void http_metrics::observe(std::size_t route, unsigned status, std::chrono::nanoseconds took) noexcept
{
    if (!counters_) [[unlikely]]
        return;
    auto const row = row_offset(route);
    auto const nanos = took.count();
    std::size_t bucket = 0;
    while (bucket < k_bucket_nanos.size() && nanos > k_bucket_nanos[bucket])
        ++bucket;
    counters_->add(row + status_slot(status));
    counters_->add(row + k_status_slots + bucket);
    counters_->add(row + k_status_slots + k_bucket_slots, static_cast<std::uint64_t>(std::max<std::int64_t>(nanos, 0)));
}

std::uint64_t http_metrics::requests(std::size_t route, unsigned status) const
{
    if (!counters_)
        return 0;
    return counters_->sum(row_offset(route) + status_slot(status));
}

void http_metrics::render(prometheus_text& out) const
{
    if (!counters_)
        return;
    out.family("linkledger_http_requests_total", "counter",
               "HTTP requests answered, by method, route pattern and status.");
    for (std::size_t r = 0; r < routes_.size(); ++r) {
        auto const row = r * row_size_;
        for (std::size_t slot = 0; slot < k_status_slots; ++slot) {
            auto const n = counters_->sum(row + slot);
            if (n == 0)
                continue; // only what happened: the set of series stays small
            auto const code = status_label(slot);
            out.sample("linkledger_http_requests_total",
                       {{"method", routes_[r].method}, {"route", routes_[r].pattern}, {"status", code}}, n);
        }
    }
    out.family("linkledger_http_request_duration_seconds", "histogram",
               "Time from a request's header to its response written, by method and route pattern.");
    for (std::size_t r = 0; r < routes_.size(); ++r) {
        auto const row = r * row_size_;
        std::array<std::uint64_t, k_bucket_slots> counts{};
        std::uint64_t total = 0;
        for (std::size_t b = 0; b < k_bucket_slots; ++b)
            total += counts[b] = counters_->sum(row + k_status_slots + b);
        if (total == 0)
            continue;
        std::string_view const method = routes_[r].method;
        std::string_view const pattern = routes_[r].pattern;
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < k_bucket_slots; ++b) {
            cumulative += counts[b];
            auto const le = b < k_bucket_seconds.size() ? seconds_label(k_bucket_seconds[b]) : "+Inf";
            out.sample("linkledger_http_request_duration_seconds_bucket",
                       {{"method", method}, {"route", pattern}, {"le", le}}, cumulative);
        }
        auto const nanos = counters_->sum(row + k_status_slots + k_bucket_slots);
        out.sample("linkledger_http_request_duration_seconds_sum", {{"method", method}, {"route", pattern}},
                   static_cast<double>(nanos) / 1e9);
        out.sample("linkledger_http_request_duration_seconds_count",
                   {{"method", method}, {"route", pattern}}, total);
    }
}

} // namespace linkledger::metrics
