// Users and API keys under /api/v1/users and /api/v1/api-keys: owners (and API keys) create
// and revoke them; viewers may list them.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::users {

namespace net = boost::asio;

class users_api {
public:
    explicit users_api(db::database& db) : db_(db) {}
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> list_users(http::request_context& ctx);
    net::awaitable<http::response> create_user(http::request_context& ctx);
    net::awaitable<http::response> remove_user(http::request_context& ctx);
    net::awaitable<http::response> list_keys(http::request_context& ctx);
    net::awaitable<http::response> create_key(http::request_context& ctx);
    net::awaitable<http::response> revoke_key(http::request_context& ctx);

    db::database& db_;
};

} // namespace linkledger::users
