// Reading JSON request bodies at the edge: every mistake becomes a 400 naming its field.
#pragma once

#include "http/types.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace linkledger::http {

// The body as a JSON object; throws http_error 400 (field "body") otherwise.
boost::json::object json_object_body(request const& req);
// As json_object_body, for a body written for others as well (a network's postback): a key
// twice is refused all the same, but a number a double cannot hold as written is only listed in
// `inexact_keys`, for the reader to refuse when it reads that key (http/json_strict).
boost::json::object json_object_body(request const& req, std::set<std::string>& inexact_keys);

// Throws http_error 400 naming the first member not in `allowed`.
void reject_unknown_fields(boost::json::object const& body,
                           std::initializer_list<std::string_view> allowed);

// A string member: nothing when absent or null; 400 when of another type, longer than
// `max_bytes`, or holding control characters.
std::optional<std::string> optional_string(boost::json::object const& body, std::string_view name,
                                           std::size_t max_bytes);
// A whole number member in [min, max]: nothing when absent or null; 400 otherwise.
std::optional<std::int64_t> optional_int(boost::json::object const& body, std::string_view name,
                                         std::int64_t min, std::int64_t max);
std::optional<bool> optional_bool(boost::json::object const& body, std::string_view name);
// A date or time member in ISO 8601 ("2026-11-25", "2026-11-25T18:00:00Z", with an offset):
// nothing when absent or null; 400 naming the field when it does not look like one.
std::optional<std::string> optional_time(boost::json::object const& body, std::string_view name);
// True when the member is present and null: in a PATCH, "clear this", where absent means "keep".
bool is_explicit_null(boost::json::object const& body, std::string_view name);

// True when an ISO 8601 text carries its own offset ("Z", "+02:00", "-0330") after its time;
// a date, or a time without one, is a wall-clock time of some zone (users/request_zone).
bool has_utc_offset(std::string_view iso_time);
// True for a date without a time ("2026-12-05"): a day, not an instant.
bool is_bare_date(std::string_view iso_time);

// The same check for a query parameter or a CSV cell: YYYY-MM-DD, optionally followed by "T"
// or a space, HH:MM[:SS[.fraction]] and Z or an offset (+HH:MM, +HHMM, +HH), each field in
// range; whether the day exists in its month is left to PostgreSQL.
bool looks_like_iso_time(std::string_view text);
// A query parameter that must be an ISO 8601 date or time when present and non-empty.
std::optional<std::string> checked_time(std::optional<std::string> const& value, std::string const& field);

// A positive 64-bit id from a path or query parameter; 404 for a path id that is not one.
std::int64_t path_id(std::string const& text);

} // namespace linkledger::http
