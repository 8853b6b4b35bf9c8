// When a report is: the zone its days and hours belong to (users::request_zone), and the period
// it covers. `from` and `to` are ISO 8601; a date, or a time without an offset, is a
// wall-clock time of that zone (from=2026-03-29 is midnight in Paris when tz=Europe/Paris). `to`
// defaults to the end of today there, `from` to 30 local days before `to`: a period of local
// days is whole across a daylight-saving change (its UTC length is then 30 days +- 1 hour).
#pragma once

#include "http/router.hpp"

#include <pqxx/transaction_base>

#include <string>

namespace linkledger::reports {

struct report_period {
    std::string zone;
    std::string from; // the instants, in UTC ("2026-03-28T23:00:00Z"): `from` inclusive,
    std::string to;   // `to` exclusive
};

// Reads tz, from and to from the query; throws http_error 400 naming the field at fault.
report_period resolve_period(pqxx::transaction_base& tx, http::request_context const& ctx,
                             std::string const& instance_zone);

} // namespace linkledger::reports
