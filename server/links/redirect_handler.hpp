// GET /{slug}: the follower's path. Resolves the slug from memory, classifies the request,
// journals the click and answers 302 — no database round trip.
#pragma once

#include "clicks/classifier.hpp"
#include "clicks/click_journal.hpp"
#include "clicks/geoip.hpp"
#include "http/router.hpp"
#include "links/redirect_table.hpp"
#include "metrics/redirect_metrics.hpp"

namespace linkledger::links {

namespace net = boost::asio;

class redirect_handler {
public:
    redirect_handler(redirect_table const& table, clicks::click_journal& journal,
                     clicks::classifier const& classifier, clicks::geoip const& geo,
                     metrics::redirect_metrics* counted = nullptr)
        : table_(table), journal_(journal), classifier_(classifier), geo_(geo), counted_(counted)
    {
    }
    void add_routes(http::router& routes);

    // The redirect itself, synchronous: nothing in it waits.
    http::response redirect(http::request_context const& ctx) const;

private:
    redirect_table const& table_;
    clicks::click_journal& journal_;
    clicks::classifier const& classifier_;
    clicks::geoip const& geo_;
    metrics::redirect_metrics* counted_;
    void count(metrics::redirect_outcome outcome) const noexcept
    {
        if (counted_)
            counted_->count(outcome);
    }
};

} // namespace linkledger::links
