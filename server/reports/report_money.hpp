// Money totals of reports: sums taken in PostgreSQL's numeric are read into 128 bits (which no
// real number of int64 amounts can leave) and written as a JSON integer while they fit int64,
// else as their exact decimal string, never a wrapped or rounded figure.
#pragma once

#include <boost/json/value.hpp>
#include <pqxx/result>

#include <string_view>

namespace linkledger::reports {

using wide = __int128;

// A whole number as PostgreSQL or a report wrote it ("-1234"); 0 for an empty text.
wide wide_of_text(std::string_view text);
inline wide wide_of(pqxx::field const& f) { return wide_of_text(f.c_str()); }

boost::json::value json_money(wide value);
// What json_money wrote, read back (0 for anything else).
wide wide_of_json(boost::json::value const& value);

} // namespace linkledger::reports
