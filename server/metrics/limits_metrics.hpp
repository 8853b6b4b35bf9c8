// The abuse limits as Prometheus samples: requests refused by the rate limiter per route
// class, and connections open and refused by the connection cap.
#pragma once

#include "http/listener.hpp"
#include "http/rate_limiter.hpp"
#include "metrics/prometheus_text.hpp"

namespace linkledger::metrics {

void render_limits(prometheus_text& out, http::rate_limiter const& limiter, http::listener const& listener);

} // namespace linkledger::metrics
