// When a report is: the zone its days and hours belong to (users::request_zone), and the period
// it covers. `from` and `to` are ISO 8601; a date, or a time without an offset, is a
// wall-clock time of that zone (from=2026-03-29 is midnight in Paris when tz=Europe/Paris). `to`
// defaults to the end of today there, `from` to 30 local days before `to`: a period of local
// days is whole across a daylight-saving change (its UTC length is then 30 days +- 1 hour).
// Both ends keep the fraction of a second asked (what the answers show is what every query counts).
//
// Two ways a period holds days, one for each kind of figure:
// - what has an instant (a click, a sale) counts when from <= instant < to, so a period that
//   ends at 10:00 counts that day's morning; a page drawn by day has a point for every day the
//   period touches, the last one partial (first_day .. last_day);
// - what only has a date (other income, a video's views) counts from the day `from` falls in
//   up to, not including, the day `to` falls in: split a stretch of time in two at any instant
//   and each such figure counts in exactly one of the halves (the one that holds the rest of
//   its day), as sales and clicks do.
#pragma once

#include "http/router.hpp"

#include <pqxx/transaction_base>

#include <string>

namespace linkledger::reports {

struct report_period {
    std::string zone;
    std::string from; // the instants, in UTC ("2026-03-28T23:00:00Z"): `from` inclusive,
    std::string to;   // `to` exclusive
    // The zone's days the period touches, as dates ("2026-03-10"): the one `from` falls in, the
    // one the last instant before `to` falls in, and how many (0 for an empty period).
    std::string first_day;
    std::string last_day;
    int days = 0;
};

// Reads tz, from and to from the query; throws http_error 400 naming the field at fault.
report_period resolve_period(pqxx::transaction_base& tx, http::request_context const& ctx,
                             std::string const& instance_zone);

} // namespace linkledger::reports
