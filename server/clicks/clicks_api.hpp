// GET /api/v1/clicks (recent raw clicks; the last 7 days unless `since` says otherwise, so a
// query without a link never sorts every partition) and GET /api/v1/status (journal backlog,
// writer lag, and the country file with the day it was built).
#pragma once

#include "clicks/click_journal.hpp"
#include "clicks/click_shipper.hpp"
#include "clicks/geoip.hpp"
#include "db/database.hpp"
#include "http/router.hpp"

#include <boost/json/object.hpp>

namespace linkledger::clicks {

namespace net = boost::asio;

// The pipeline's health as JSON, for /api/v1/status and /readyz.
boost::json::object pipeline_status(click_journal const& journal, click_shipper const& shipper);

class clicks_api {
public:
    clicks_api(db::database& db, click_journal const& journal, click_shipper const& shipper, geoip const& countries)
        : db_(db), journal_(journal), shipper_(shipper), countries_(countries)
    {
    }
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> list(http::request_context& ctx);

    db::database& db_;
    click_journal const& journal_;
    click_shipper const& shipper_;
    geoip const& countries_;
};

// The country file in use: its path and the day it was built (its MaxMind metadata's
// build_epoch), or nulls when countries are off.
boost::json::object country_file_status(geoip const& countries);

} // namespace linkledger::clicks
