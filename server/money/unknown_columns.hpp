// The columns of an imported file that its import does not read, told in the answer instead of
// dropped without a word: the sales report and the video statistics imports answer alike.
#pragma once

#include <boost/json/array.hpp>

#include <string>
#include <vector>

namespace linkledger::money {

// `names` (as the header writes them) as the answer's "unknown_columns"; each is also added to
// `rows` as an error on line 1 naming the column, which the import counts as failed.
boost::json::array report_unknown_columns(std::vector<std::string> const& names, boost::json::array& rows);

} // namespace linkledger::money
