// GET /api/v1/audit-log for owners and API keys. Changes write their entries themselves, in
// their own transactions (audit_log's record_change).
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::audit {

void add_audit_routes(http::router& routes, db::database& db);

} // namespace linkledger::audit
