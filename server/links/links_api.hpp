// The links API under /api/v1/links: thin HTTP handlers over link_store.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"
#include "links/redirect_table.hpp"

#include <string>

namespace linkledger::links {

namespace net = boost::asio;

class links_api {
public:
    // Changes made here go into `table` at once; other processes learn them by NOTIFY.
    links_api(db::database& db, redirect_table& table, std::string public_url);
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> create(http::request_context& ctx);
    net::awaitable<http::response> list(http::request_context& ctx);
    net::awaitable<http::response> get(http::request_context& ctx);
    net::awaitable<http::response> update(http::request_context& ctx);
    net::awaitable<http::response> remove(http::request_context& ctx);
    // The storefront preset: one country rule per marketplace (storefronts.hpp).
    net::awaitable<http::response> storefronts(http::request_context& ctx);

    db::database& db_;
    redirect_table& table_;
    std::string public_url_;
};

} // namespace linkledger::links
