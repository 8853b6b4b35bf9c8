// When a report is: the zone its days and hours belong to, and the period it covers.
// The zone is `tz=` when the request names one (a 400 naming tz when PostgreSQL does not know
// it), else the signed-in user's own choice (PUT /api/v1/preferences), else the instance's
// LINKLEDGER_TIMEZONE. `from` and `to` are ISO 8601; a date, or a time without an offset, is a
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

// True when an ISO 8601 text carries its own offset ("Z", "+02:00", "-0330") after its time.
bool has_utc_offset(std::string_view iso_time);

} // namespace linkledger::reports
