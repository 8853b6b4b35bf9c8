// GET /metrics: the Prometheus scrape. Everything an operator watches: HTTP traffic, the
// redirect path, the click pipeline (journal backlog, writer lag), the database pool and
// conversions by status. Optionally behind a bearer token (LINKLEDGER_METRICS_TOKEN).
#pragma once

#include "clicks/click_journal.hpp"
#include "clicks/click_shipper.hpp"
#include "db/database.hpp"
#include "http/router.hpp"
#include "metrics/http_metrics.hpp"
#include "metrics/redirect_metrics.hpp"

#include <functional>
#include <string>
#include <vector>

namespace linkledger::metrics {

namespace net = boost::asio;

class metrics_api {
public:
    metrics_api(db::database& database, clicks::click_journal const& journal,
                clicks::click_shipper const& shipper, http_metrics const& http,
                redirect_metrics const& redirects, std::string token)
        : database_(database), journal_(journal), shipper_(shipper), http_(http),
          redirects_(redirects), token_(std::move(token))
    {
    }
    void add_routes(http::router& routes);
    // More samples for each scrape, from parts this class does not know (the listener's limits).
    void add_section(std::function<void(prometheus_text&)> render) { sections_.push_back(std::move(render)); }

private:
    net::awaitable<http::response> scrape(http::request_context& ctx);
    void render_process(prometheus_text& out) const;

    db::database& database_;
    clicks::click_journal const& journal_;
    clicks::click_shipper const& shipper_;
    http_metrics const& http_;
    redirect_metrics const& redirects_;
    std::string token_;
    std::vector<std::function<void(prometheus_text&)>> sections_;
};

} // namespace linkledger::metrics
