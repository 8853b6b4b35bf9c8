// Query results read into a store's structs, and a page of them encoded for a list endpoint:
// the few lines every money/ store and API would otherwise write once per table.
#pragma once

#include "http/pagination.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <pqxx/result>
#include <pqxx/row>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace linkledger::money {

template <class Read>
using row_type = std::invoke_result_t<Read, pqxx::row const&>;

// Every row (a list).
template <class Read>
std::vector<row_type<Read>> all_rows(pqxx::result const& rows, Read read)
{
    std::vector<row_type<Read>> out;
    out.reserve(rows.size());
    for (auto const& row : rows)
        out.push_back(read(row));
    return out;
}

// The first row, or nothing (a find, an UPDATE ... RETURNING that matched no row).
template <class Read>
std::optional<row_type<Read>> first_row(pqxx::result const& rows, Read read)
{
    return rows.empty() ? std::nullopt : std::optional(read(rows[0]));
}

// {"<name>": [...], "next_cursor": ...} from a store's list of `page.limit + 1` items.
template <class T, class Encode>
boost::json::object json_page(std::string const& name, std::vector<T> const& items, http::page_request const& page,
                              Encode encode)
{
    boost::json::array rows;
    rows.reserve(items.size());
    for (auto const& item : items)
        rows.push_back(encode(item));
    return http::page_body(name, std::move(rows), page);
}

} // namespace linkledger::money
