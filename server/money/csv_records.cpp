#include "money/csv_records.hpp"

#include "http/http_error.hpp"

#include <algorithm>

namespace linkledger::money {
namespace {

struct csv_reader {
    std::string_view text;
    char separator = ',';
    std::size_t pos = 0;
    std::size_t line = 1;

    bool done() const { return pos >= text.size(); }

    // One record; `start_line` is the line it began on (quoted cells may span lines).
    std::vector<std::string> next(std::size_t& start_line)
    {
        start_line = line;
        std::vector<std::string> cells(1);
        bool quoted = false;
        while (pos < text.size()) {
            char const c = text[pos++];
            if (quoted) {
                if (c == '"' && pos < text.size() && text[pos] == '"') {
                    cells.back() += '"';
                    ++pos;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    if (c == '\n')
                        ++line;
                    cells.back() += c;
                }
            } else if (c == '"' && cells.back().empty()) {
                quoted = true;
            } else if (c == separator) {
                cells.emplace_back();
            } else if (c == '\n') {
                ++line;
                break;
            } else if (c != '\r') {
                cells.back() += c;
            }
        }
        if (quoted)
            throw http::bad_field("body", "line " + std::to_string(start_line) + ": a quoted cell never ends",
                                  "invalid_csv");
        return cells;
    }
};

} // namespace

csv_table read_csv(std::string_view text, std::size_t max_records)
{
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3); // a BOM, as spreadsheet exports write
    auto const header_line = text.substr(0, text.find('\n'));
    csv_reader reader{text};
    auto const counts = [&](char c) { return std::count(header_line.begin(), header_line.end(), c); };
    if (counts(';') > counts(reader.separator))
        reader.separator = ';';
    if (counts('\t') > counts(reader.separator))
        reader.separator = '\t';

    csv_table out;
    std::size_t line = 0;
    out.header = reader.next(line);
    while (!reader.done()) {
        auto cells = reader.next(line);
        if (cells.size() == 1 && cells[0].find_first_not_of(" \t") == std::string::npos)
            continue; // blank line
        if (out.records.size() >= max_records)
            throw http::bad_field("body", "at most " + std::to_string(max_records) + " rows per import",
                                  "too_many_rows");
        out.records.push_back({line, std::move(cells)});
    }
    return out;
}

} // namespace linkledger::money
