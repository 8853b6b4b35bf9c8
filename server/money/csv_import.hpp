// CSV reports from affiliate networks: one sale a row. Bad rows are reported with their line
// and reason; good rows are booked all the same (each in its own savepoint).
#pragma once

#include "money/sale_recorder.hpp"

#include <boost/json/object.hpp>
#include <pqxx/connection>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::money {

struct csv_row {
    std::size_t line = 0;                       // 1-based line number in the file
    std::map<std::string, std::string> fields; // canonical column name -> cell
};

struct parsed_csv {
    std::vector<csv_row> rows;
};

// RFC 4180 (quoted cells, "" escapes, CRLF or LF), separated by ',', ';' or tab as the header
// shows. Columns are matched by name, case-insensitively, with the usual network aliases
// (order_id → txid, subid → click_id, coupon → code, ...). Throws http_error 400 (field
// "body") for a file without txid and amount columns or with an unterminated quote.
parsed_csv parse_sales_csv(std::string_view text);

// Books every row against the offer; returns {"created", "updated", "unchanged", "failed",
// "rows": [{"line", "result", "conversion_id"} or {"line", "result": "error", "field", "message"}]}.
boost::json::object import_sales(pqxx::connection& conn, std::int64_t offer_id, parsed_csv const& csv,
                                 attribution_settings const& settings);

} // namespace linkledger::money
