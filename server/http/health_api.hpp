// GET /healthz (the process answers) and GET /readyz (and the database too): for load
// balancers, container health checks and humans.
#pragma once

#include "http/router.hpp"

#include <boost/json/object.hpp>

#include <functional>

namespace linkledger::http {

// Whether the database answers now (a trivial query within the connection's limits); false
// rather than an exception when it does not. Registered from above: http/ knows no SQL.
using readiness = std::function<net::awaitable<bool>()>;

// `pipeline`, when given, adds the click pipeline's state to /readyz.
void add_health_routes(router& routes, readiness database_ready,
                       std::function<boost::json::object()> pipeline = {});

} // namespace linkledger::http
