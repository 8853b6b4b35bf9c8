#include "http/rate_limiter.hpp"

#include "http/response.hpp"
#include "logging/logging.hpp"

#include <boost/json/object.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

namespace linkledger::http {
namespace {

// Sweeps run this often per shard at most, unless the shard is full.
constexpr auto k_sweep_every = std::chrono::seconds(10);

bool starts_with_segment(std::string_view target, std::string_view prefix)
{
    // "/api" matches "/api", "/api/..." and "/api?...", never "/apiary".
    if (!target.starts_with(prefix))
        return false;
    return target.size() == prefix.size() || target[prefix.size()] == '/' || target[prefix.size()] == '?';
}

} // namespace

// One subscriber usually holds a whole IPv6 /64: key the bucket by it.
std::string bucket_key(std::string_view client_ip)
{
    if (client_ip.find(':') == std::string_view::npos)
        return std::string(client_ip);
    boost::system::error_code ec;
    auto const address = net::ip::make_address_v6(std::string(client_ip), ec);
    if (ec)
        return std::string(client_ip);
    auto bytes = address.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return net::ip::address_v6(bytes).to_string() + "/64";
}

std::string_view route_class_name(route_class c)
{
    switch (c) {
    case route_class::login: return "login";
    case route_class::postback: return "postback";
    case route_class::webhook: return "webhook";
    case route_class::api: return "api";
    }
    return "unknown";
}

namespace {

std::optional<route_class> classify_plain(verb method, std::string_view target)
{
    // The redirect path is "/{slug}": one character compare sends nearly every slug away.
    if (target.size() < 4)
        return std::nullopt;
    switch (target[1]) {
    case 'a':
        if (starts_with_segment(target, "/api"))
            return route_class::api;
        break;
    case 'p':
        if (starts_with_segment(target, "/postback"))
            return route_class::postback;
        break;
    case 'w':
        if (starts_with_segment(target, "/webhooks"))
            return route_class::webhook;
        break;
    case 'l':
        // Only the attempt: showing the login page costs nothing worth limiting.
        if (method == verb::post && starts_with_segment(target, "/login"))
            return route_class::login;
        break;
    default: break;
    }
    return std::nullopt;
}

} // namespace

std::optional<route_class> classify_route(verb method, std::string_view target)
{
    // The router matches decoded segments: "/%61pi/v1/..." reaches the API and must be counted
    // as such (it walked past every limit).
    auto const first_end = std::min(target.find_first_of("/?", 1), target.size());
    auto const first = target.substr(0, first_end);
    if (first.find('%') == std::string_view::npos)
        return classify_plain(method, target);
    auto const encoded = boost::urls::make_pct_string_view(first);
    if (!encoded)
        return std::nullopt; // the router refuses the target too
    std::string decoded((**encoded).begin(), (**encoded).end());
    decoded.append(target.substr(first_end));
    return classify_plain(method, decoded);
}

rate_limiter::rate_limiter(limits const& limits, std::size_t max_clients)
    : limits_(limits), max_per_shard_(std::max<std::size_t>(1, max_clients / k_shards))
{
}

void rate_limiter::sweep(shard& s, rate_limit const& limit, clock::time_point now)
{
    s.last_sweep = now;
    std::erase_if(s.buckets, [&](auto const& entry) {
        std::chrono::duration<double> const idle = now - entry.second.last;
        return entry.second.tokens + idle.count() * limit.per_second >= limit.burst;
    });
}

std::uint32_t rate_limiter::admit(route_class c, std::string_view client_ip, clock::time_point now)
{
    auto const index = static_cast<std::size_t>(c);
    auto const& limit = limits_[index];
    if (!limit.enabled())
        return 0;
    auto key = bucket_key(client_ip);
    auto& s = shards_[index][std::hash<std::string>{}(key) % k_shards];
    std::lock_guard lock(s.mutex);
    if (now - s.last_sweep >= k_sweep_every)
        sweep(s, limit, now);
    auto it = s.buckets.find(key);
    if (it == s.buckets.end()) {
        if (s.buckets.size() >= max_per_shard_) {
            sweep(s, limit, now);
            if (s.buckets.size() >= max_per_shard_) {
                // Every bucket is in use: more clients than max_clients are hammering within
                // one refill time. Forgetting them all hands each a fresh burst, a smaller harm
                // than growing without bound or refusing clients never seen before.
                logging::warn("rate limiter: more than {clients} clients active on {route_class} routes; buckets reset",
                              {{"clients", max_per_shard_ * k_shards}, {"route_class", route_class_name(c)}});
                s.buckets.clear();
            }
        }
        it = s.buckets.emplace(std::move(key), bucket{static_cast<double>(limit.burst), now}).first;
    }
    auto& b = it->second;
    std::chrono::duration<double> const elapsed = now - b.last;
    b.tokens = std::min<double>(limit.burst, b.tokens + std::max(0.0, elapsed.count()) * limit.per_second);
    b.last = now;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return 0;
    }
    rejected_[index].fetch_add(1, std::memory_order_relaxed);
    auto const wait = std::ceil((1.0 - b.tokens) / limit.per_second);
    return static_cast<std::uint32_t>(std::clamp(wait, 1.0, 86400.0));
}

std::size_t rate_limiter::tracked_clients() const
{
    std::size_t total = 0;
    for (auto const& per_class : shards_)
        for (auto const& s : per_class) {
            std::lock_guard lock(s.mutex);
            total += s.buckets.size();
        }
    return total;
}

response rate_limited_response(route_class c, std::uint32_t retry_after_seconds)
{
    boost::json::object error{{"code", "rate_limited"},
                              {"message", "too many " + std::string(route_class_name(c)) +
                                              " requests from this address; retry after " +
                                              std::to_string(retry_after_seconds) + " s"},
                              {"field", nullptr}};
    auto res = json_response(status::too_many_requests,
                             boost::json::object{{"error", std::move(error)},
                                                 {"retry_after", retry_after_seconds}});
    res.set(bhttp::field::retry_after, std::to_string(retry_after_seconds));
    return res;
}

} // namespace linkledger::http
