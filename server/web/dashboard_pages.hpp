// Serves the dashboard: /dashboard (to logged-in users; others are sent to /login) and its
// static assets under /dashboard/{file}, from the files compiled in from web/dashboard/.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::web {

namespace net = boost::asio;

class dashboard_pages {
public:
    explicit dashboard_pages(db::database& db) : db_(db) {}
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> index(http::request_context& ctx);

    db::database& db_;
};

// "text/css; charset=utf-8" for "app.css", and so on; nothing for types we do not serve.
std::string_view content_type_for(std::string_view path);

} // namespace linkledger::web
