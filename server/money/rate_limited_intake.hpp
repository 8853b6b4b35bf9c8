// Postbacks and shop deliveries the rate limit turned away (429), in the audit log: a creator
// comparing the books with a network's statement must see that postbacks were refused, not only
// a metric, yet a flood must not write a row per request. Refusals are counted in memory per door,
// offer and client (an IPv6 client by its /64, as the limiter keys its buckets), and each window
// (a minute) writes one entry per source counted, "postback.rate_limited" or
// "webhook.rate_limited", with the number refused and the first and last refusal's time. At most
// k_max_sources sources are told apart in a window; the refusals of any more are one entry per
// route class, "other sources". So a flood of 100,000 refused postbacks from one address within a
// minute is one entry, from any number of addresses at most 34 a minute. What is counted when the
// server stops is written then. A window whose write fails (PostgreSQL down) is logged and
// dropped: the metric linkledger_rate_limited_total still counts it.
#pragma once

#include "db/database.hpp"
#include "http/rate_limiter.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

namespace linkledger::money {

// The refusals of one source in one window.
struct rate_limited_source {
    http::route_class route = http::route_class::postback; // postback or webhook
    std::string door;                    // "postback", "shopify", "woocommerce"; the class's name if the path names none
    std::optional<std::int64_t> offer_id; // the path's, when it names one
    std::string client;                  // the bucket's key; empty: every source past k_max_sources
    std::uint64_t refused = 0;
    std::chrono::system_clock::time_point first, last;
};

class rate_limited_intake {
public:
    static constexpr std::size_t k_max_sources = 32;

    // `limits`: the rates the entries name.
    rate_limited_intake(db::database& db, http::rate_limiter::limits const& limits,
                        std::chrono::milliseconds window = std::chrono::minutes(1));
    ~rate_limited_intake();
    rate_limited_intake(rate_limited_intake const&) = delete;
    rate_limited_intake& operator=(rate_limited_intake const&) = delete;

    // One refused request (the listener's rate_limited hook); other classes than postback and
    // webhook are not counted. A map look-up under a mutex: no database work.
    void count(http::route_class c, std::string_view client_ip, std::string_view target,
               std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    // What was counted since the last call, which starts a new window.
    std::vector<rate_limited_source> take();

    // One audit entry per source, in one transaction; returns how many were written.
    static std::size_t write(pqxx::connection& conn, std::vector<rate_limited_source> const& sources,
                             http::rate_limiter::limits const& limits);

    void start();
    // Stops the thread and writes what is counted.
    void stop();

private:
    void run();
    void write_taken();

    using key = std::tuple<std::size_t, std::string, std::optional<std::int64_t>, std::string>;

    db::database& db_;
    http::rate_limiter::limits limits_;
    std::chrono::milliseconds window_;
    std::mutex counts_mutex_;
    std::map<key, rate_limited_source> counts_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool stopped_ = false;
    std::thread thread_;
};

} // namespace linkledger::money
