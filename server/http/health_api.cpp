#include "http/health_api.hpp"

#include "http/response.hpp"

namespace linkledger::http {

void add_health_routes(router& routes, readiness database_ready,
                       std::function<boost::json::object()> pipeline)
{
    routes.add(verb::get, "/healthz", [](request_context&) -> net::awaitable<response> {
        co_return json_response(status::ok, boost::json::object{{"status", "ok"}});
    });
    routes.add(verb::get, "/readyz",
               [database_ready = std::move(database_ready),
                pipeline = std::move(pipeline)](request_context&) -> net::awaitable<response> {
        bool const reachable = co_await database_ready();
        // Without the database, redirects still work from memory and the journal: the
        // instance is degraded, not dead, and says so (503 tells balancers to prefer others).
        boost::json::object body{{"status", reachable ? "ready" : "degraded"},
                                 {"database", reachable ? "ok" : "unreachable"}};
        if (pipeline)
            body["clicks"] = pipeline();
        co_return json_response(reachable ? status::ok : status::service_unavailable, body);
    });
}

} // namespace linkledger::http
