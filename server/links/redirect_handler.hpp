// GET /{slug}: the follower's path. Resolves the slug, records the click, answers 302.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::links {

namespace net = boost::asio;

class redirect_handler {
public:
    explicit redirect_handler(db::database& db) : db_(db) {}
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> redirect(http::request_context& ctx);
    db::database& db_;
};

} // namespace linkledger::links
