#include "metrics/limits_metrics.hpp"

namespace linkledger::metrics {

void render_limits(prometheus_text& out, http::rate_limiter const& limiter, http::listener const& listener)
{
    out.family("linkledger_rate_limited_total", "counter",
               "Requests answered 429 by the per-client-IP rate limits, by route class.");
    for (std::size_t i = 0; i < http::k_route_classes; ++i) {
        auto const c = static_cast<http::route_class>(i);
        out.sample("linkledger_rate_limited_total", {{"route_class", http::route_class_name(c)}}, limiter.rejected(c));
    }
    out.family("linkledger_connections_open", "gauge", "Client connections open now.");
    out.sample("linkledger_connections_open", {}, static_cast<std::uint64_t>(listener.open_connections()));
    out.family("linkledger_connections_rejected_total", "counter",
               "Connections closed as soon as accepted because LINKLEDGER_MAX_CONNECTIONS were open.");
    out.sample("linkledger_connections_rejected_total", {}, listener.rejected_connections());
}

} // namespace linkledger::metrics
