// CSV reports from affiliate networks: one sale a row. Bad rows are reported with their line
// and reason; good rows are booked all the same (each in its own savepoint).
#pragma once

#include "money/sale_recorder.hpp"
#include "money/sales_csv.hpp"

#include <boost/json/object.hpp>
#include <pqxx/dbtransaction>

#include <cstdint>

namespace linkledger::money {

// Books every row against the offer; returns {"created", "updated", "unchanged", "failed",
// "unknown_columns", "warnings", "rows": [{"line", "result", "conversion_id"} or {"line", "result":
// "error", "field", "message"}]}. A column the import does not read is listed in unknown_columns
// and is not a row of the answer nor counted in failed (a network's export has many); a txid
// already on an earlier line (compared trimmed) is an error naming txid and that line.
// "warnings" holds one message when the offer's commission is reported by the network and the
// file has no commission column (new sales are booked at 0, booked ones keep theirs), and one for
// each kind of row warning (sale_warning::about) saying how many rows carry it: a commission not
// the one the offer computes (percent or fixed), a date other than the one first given, a reported
// commission carried to a new amount. Each such row carries its own "warnings"; it is empty
// otherwise.
boost::json::object import_sales(pqxx::dbtransaction& tx, std::int64_t offer_id, parsed_csv const& csv,
                                 attribution_settings const& settings);

} // namespace linkledger::money
