// GET /api/v1/audit-log for owners and API keys, and the router's change recorder that
// writes an entry after every successful change made through the API or the dashboard.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::audit {

void add_audit_routes(http::router& routes, db::database& db);

// What the router calls after each successful change (router::set_change_recorder).
http::change_recorder make_change_recorder(db::database& db);

} // namespace linkledger::audit
