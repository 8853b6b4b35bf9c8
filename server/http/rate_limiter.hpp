// Per-client-IP token buckets for the routes worth abusing: login (password guessing),
// postbacks and webhooks (forged sales, floods from a misbehaving network) and the API (key
// guessing, scraping). Redirects and health checks are never limited: a follower must always
// be redirected, and a load balancer must always see the truth.
//
// Memory is bounded: buckets that have refilled are worth nothing (a full bucket and no bucket
// behave alike) and are swept away; IPv6 clients are keyed by their /64, which is what one
// subscriber usually gets, so one client cannot make a bucket per address.
#pragma once

#include "http/rate_limit.hpp"
#include "http/types.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace linkledger::http {

enum class route_class : std::size_t { login = 0, postback = 1, webhook = 2, api = 3 };
inline constexpr std::size_t k_route_classes = 4;

// "login", "postback", "webhook", "api": the metrics label.
std::string_view route_class_name(route_class c);

// Whose bucket a client fills: its address, or its IPv6 /64 (what one subscriber usually gets).
std::string bucket_key(std::string_view client_ip);

// The limited class of a request, or nothing (redirects, health, pages, metrics).
std::optional<route_class> classify_route(verb method, std::string_view target);

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;
    using limits = std::array<rate_limit, k_route_classes>; // indexed by route_class

    // `max_clients` bounds the buckets kept per route class.
    explicit rate_limiter(limits const& limits, std::size_t max_clients = 200000);

    // 0 when the request may go ahead (and takes a token); otherwise it is refused and the
    // answer is the whole seconds until the client's next token.
    std::uint32_t admit(route_class c, std::string_view client_ip, clock::time_point now = clock::now());

    bool enabled(route_class c) const { return limits_[static_cast<std::size_t>(c)].enabled(); }
    rate_limit const& limit(route_class c) const { return limits_[static_cast<std::size_t>(c)]; }
    std::uint64_t rejected(route_class c) const { return rejected_[static_cast<std::size_t>(c)]; }
    // Buckets held now, over every class (for tests of the sweeping).
    std::size_t tracked_clients() const;

private:
    static constexpr std::size_t k_shards = 16;
    struct bucket {
        double tokens = 0;
        clock::time_point last;
    };
    struct shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, bucket> buckets;
        clock::time_point last_sweep;
    };
    void sweep(shard& s, rate_limit const& limit, clock::time_point now); // with s.mutex held

    limits limits_;
    std::size_t max_per_shard_;
    std::array<std::array<shard, k_shards>, k_route_classes> shards_;
    std::array<std::atomic<std::uint64_t>, k_route_classes> rejected_{};
};

// 429 with Retry-After and {"error": {...}, "retry_after": N}.
response rate_limited_response(route_class c, std::uint32_t retry_after_seconds);

} // namespace linkledger::http
