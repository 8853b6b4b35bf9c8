// CSV sales reports from affiliate networks, read into rows and rows into sales: pure parsing,
// no database, so the import endpoint and the fuzzer share exactly the same code.
#pragma once

#include "money/offer.hpp"
#include "money/sale_recorder.hpp"

#include <cstddef>
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
    std::vector<std::string> columns;         // the canonical names the header has, once each
    std::vector<std::string> unknown_columns; // as the header writes them; their cells are not kept
    std::vector<csv_row> rows;

    bool has_column(std::string_view column) const;
};

// RFC 4180 (quoted cells, "" escapes, CRLF or LF), separated by ',', ';' or tab as the header
// shows. Columns are matched by name, case-insensitively, with the usual network aliases
// (order_id → txid, subid → click_id, coupon → code, ...); any other named column is listed in
// unknown_columns. Two columns of one field: an empty cell never overrides a filled one; two
// filled ones that differ keep the later for ids and the status, and mark the row "#conflict"
// (the field's name) for an amount, commission, currency or date. Throws http_error 400 (field "body") for a file without txid and amount
// columns or with an unterminated quote.
parsed_csv parse_sales_csv(std::string_view text);

// One row as a sale of offer `o`. A row that names no currency is in the booked sale's
// (`booked`, as for a postback), else in the offer's. A row with a status and neither an amount
// nor a commission is a status alone (sale::keeps_booked_amount), as a status-only postback is.
// Throws http_error 400 naming the column at fault.
sale sale_from_csv_row(csv_row const& row, offer const& o, booked_currency_lookup const& booked = {});

} // namespace linkledger::money
