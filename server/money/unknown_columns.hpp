// The columns of an imported file that its import does not read, told in the answer instead of
// dropped without a word. Only the video statistics import uses report_unknown_columns: its
// answer lists them in "unknown_columns" and has an error on line 1 for each, counted in failed.
// The sales report import (csv_import) lists them in "unknown_columns" only, not counted as
// failed rows: a network's export has many columns no sale needs (an Awin report some twenty).
#pragma once

#include <boost/json/array.hpp>

#include <string>
#include <vector>

namespace linkledger::money {

// `names` (as the header writes them) as the answer's "unknown_columns"; each is also added to
// `rows` as an error on line 1 naming the column, which the video statistics import counts as failed.
boost::json::array report_unknown_columns(std::vector<std::string> const& names, boost::json::array& rows);

} // namespace linkledger::money
