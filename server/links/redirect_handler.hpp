// GET /{slug}: the follower's path. Resolves the slug from memory, classifies the request,
// journals the click and answers 302 — no database round trip.
#pragma once

#include "clicks/classifier.hpp"
#include "clicks/click_journal.hpp"
#include "clicks/geoip.hpp"
#include "http/router.hpp"
#include "links/redirect_table.hpp"
#include "metrics/redirect_metrics.hpp"

#include <optional>
#include <string>
#include <string_view>

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
    // The same from the request head alone (the listener's quick road): appends the 302 to
    // `out`, or names the fixed page (404, 410) to write; declines having done nothing when the
    // answer is made for the request (the escape page) or the link has a click budget, which
    // redirect() then gives.
    http::quick_result redirect_quickly(http::quick_request const& req, unsigned version, bool keep_alive,
                                        std::string& out) const;

private:
    // What the redirect reads of a request, whichever road it came by.
    struct follower_request {
        http::verb method;
        std::string_view slug;
        boost::urls::url_view target;
        std::string_view user_agent;
        std::string_view referer;
        std::string_view accept_language;
        std::string_view remote_ip;
    };
    // A 302 to the Location resolve() wrote, or the page to show instead; none of them when
    // `found_only` and the answer is neither a plain 302 nor a fixed page (then nothing was
    // counted or journaled).
    struct outcome {
        bool redirect = false;
        std::optional<http::response> page;         // made for this request: the escape page
        http::response const* fixed_page = nullptr; // the same for every request
    };
    outcome resolve(follower_request const& follower, bool found_only, std::string& location) const;

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
