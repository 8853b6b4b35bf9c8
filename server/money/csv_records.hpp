// CSV files as spreadsheets and analytics tools export them, split into a header and records:
// the one reader the sales import and the video statistics import share. Pure, no database.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::money {

struct csv_record {
    std::size_t line = 0; // 1-based line the record begins on (a quoted cell may span lines)
    std::vector<std::string> cells;
};

struct csv_table {
    std::vector<std::string> header;
    std::vector<csv_record> records;
};

// RFC 4180 (quoted cells, "" escapes, CRLF or LF), separated by ',', ';' or tab, whichever the
// header line holds most of. A leading BOM is dropped and blank lines are skipped. Throws
// http_error 400 (field "body") for an unterminated quote, or past `max_records` records.
csv_table read_csv(std::string_view text, std::size_t max_records);

} // namespace linkledger::money
