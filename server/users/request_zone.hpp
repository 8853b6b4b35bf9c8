// Which zone's wall clock a request's times are read on, and whether a time says its own offset.
// A date, or a time without an offset, is a wall-clock time of a zone (from=2026-11-01 is
// midnight in Paris for a creator in Paris), in every door that takes one: reports, the sales
// list, a sale's occurred_at and a network report's date column.
#pragma once

#include "http/router.hpp"

#include <pqxx/transaction_base>

#include <string>

namespace linkledger::users {

// `tz=` when the request names one (a 400 naming tz when PostgreSQL does not know it), else the
// signed-in user's own choice (PUT /api/v1/preferences), else the instance's LINKLEDGER_TIMEZONE.
std::string request_zone(pqxx::transaction_base& tx, http::request_context const& ctx,
                         std::string const& instance_zone);

} // namespace linkledger::users
