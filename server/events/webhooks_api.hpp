// /api/v1/webhooks: the endpoints events are sent to (Standard Webhooks, Discord, Slack), their
// secrets (shown once; rotation keeps the old one signing for 24 h), a test ping, and the
// delivery log with resend. Owners and API keys only: a viewer's session sees nothing here.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::events {

namespace net = boost::asio;

// The names an endpoint can subscribe to (ping is sent by POST .../test only).
inline constexpr std::string_view k_event_types[] = {"sale.created", "sale.updated", "link.created",
                                                     "link.updated", "link.deleted", "offer.updated"};
inline constexpr int k_secret_overlap_hours = 24;

class webhooks_api {
public:
    webhooks_api(db::database& db, bool allow_private);
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> create(http::request_context& ctx);
    net::awaitable<http::response> list(http::request_context& ctx);
    net::awaitable<http::response> get(http::request_context& ctx);
    net::awaitable<http::response> update(http::request_context& ctx);
    net::awaitable<http::response> remove(http::request_context& ctx);
    net::awaitable<http::response> rotate(http::request_context& ctx);
    net::awaitable<http::response> test(http::request_context& ctx);
    net::awaitable<http::response> deliveries(http::request_context& ctx);
    net::awaitable<http::response> resend(http::request_context& ctx);

    db::database& db_;
    bool allow_private_;
};

} // namespace linkledger::events
