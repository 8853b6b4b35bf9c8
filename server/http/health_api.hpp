// GET /healthz (the process answers) and GET /readyz (and the database too): for load
// balancers, container health checks and humans.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

#include <boost/json/object.hpp>

#include <functional>

namespace linkledger::http {

// `pipeline`, when given, adds the click pipeline's state to /readyz.
void add_health_routes(router& routes, db::database& db,
                       std::function<boost::json::object()> pipeline = {});

} // namespace linkledger::http
