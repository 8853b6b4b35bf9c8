// GET /healthz (the process answers) and GET /readyz (and the database too): for load
// balancers, container health checks and humans.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::http {

void add_health_routes(router& routes, db::database& db);

} // namespace linkledger::http
