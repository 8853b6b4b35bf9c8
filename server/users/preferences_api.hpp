// GET /api/v1/preferences and PUT /api/v1/preferences {"time_zone": "Europe/Paris" | null}: the
// signed-in user's own time zone, which their dashboard reads reports in; null goes back to the
// instance's LINKLEDGER_TIMEZONE. A viewer may set it too: it is how they read the figures, not
// a change to them, so this PUT checks the session and its CSRF token itself rather than through
// the router's rule that viewers only read. An API key is no user and has no preferences: API
// requests name their zone with tz=.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <string>

namespace linkledger::users {

namespace net = boost::asio;

class preferences_api {
public:
    preferences_api(db::database& db, std::string instance_zone)
        : db_(db), instance_zone_(std::move(instance_zone))
    {
    }
    void add_routes(http::router& routes);

private:
    net::awaitable<http::response> show(http::request_context& ctx);
    net::awaitable<http::response> change(http::request_context& ctx);

    db::database& db_;
    std::string instance_zone_;
};

} // namespace linkledger::users
