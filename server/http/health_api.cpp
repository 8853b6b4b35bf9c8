#include "http/health_api.hpp"

#include "http/response.hpp"

#include <pqxx/pqxx>

namespace linkledger::http {

void add_health_routes(router& routes, db::database& db)
{
    routes.add(verb::get, "/healthz", [](request_context&) -> net::awaitable<response> {
        co_return json_response(status::ok, boost::json::object{{"status", "ok"}});
    });
    routes.add(verb::get, "/readyz", [&db](request_context&) -> net::awaitable<response> {
        bool reachable = false;
        try {
            reachable = co_await db.run([](pqxx::connection& conn) {
                pqxx::nontransaction tx(conn);
                return tx.exec("SELECT 1")[0][0].as<int>() == 1;
            });
        } catch (std::exception const&) {
            reachable = false;
        }
        co_return json_response(reachable ? status::ok : status::service_unavailable,
                                boost::json::object{{"status", reachable ? "ready" : "unavailable"},
                                                    {"database", reachable ? "ok" : "unreachable"}});
    });
}

} // namespace linkledger::http
