// The dashboard's door: GET/POST /login, POST /logout and GET /api/v1/session (who am I, and
// the CSRF token the dashboard's script sends back on every change).
#pragma once

#include "auth/login_throttle.hpp"
#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::web {

namespace net = boost::asio;

class login_api {
public:
    // `secure_cookies`: the public URL is https, so cookies carry Secure.
    login_api(db::database& db, bool secure_cookies);
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> form(http::request_context& ctx);
    net::awaitable<http::response> log_in(http::request_context& ctx);
    net::awaitable<http::response> log_out(http::request_context& ctx);
    net::awaitable<http::response> whoami(http::request_context& ctx);

    http::response login_page(http::request_context& ctx, http::status s, std::string const& next,
                              std::string const& error_en, std::string const& error_fr) const;

    db::database& db_;
    bool secure_cookies_;
    auth::login_throttle accounts_;
    auth::login_throttle addresses_;
    // Checked when the email is unknown, so a miss costs the same time as a wrong password.
    std::string decoy_hash_;
};

// `next` when it is a path on this site ("/dashboard#links"), else "/dashboard": a login
// link must never send the user on to another site.
std::string local_next(std::string const& next);

} // namespace linkledger::web
