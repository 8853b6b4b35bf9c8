// The bio page (/@{handle}, public), its QR code, the QR codes of short links, and the
// profile API (GET/PUT/DELETE /api/v1/profile) that sets handle, name, avatar and language,
// and takes the page down, and the bio links in page order (GET /api/v1/profile/links).
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::bio {

namespace net = boost::asio;

class bio_api {
public:
    bio_api(db::database& db, std::string public_url);
    // Register before the /{slug} catch-all.
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> get_profile(http::request_context& ctx);
    net::awaitable<http::response> put_profile(http::request_context& ctx);
    net::awaitable<http::response> delete_profile(http::request_context& ctx);
    // GET /api/v1/profile/links: every bio link in page order, each with why the page hides it
    // (null when shown), for the dashboard's order list.
    net::awaitable<http::response> list_links(http::request_context& ctx);
    net::awaitable<http::response> page(http::request_context& ctx);
    net::awaitable<http::response> page_qr(http::request_context& ctx, bool png);
    net::awaitable<http::response> link_qr(http::request_context& ctx, bool png);

    db::database& db_;
    std::string public_url_;
};

} // namespace linkledger::bio
