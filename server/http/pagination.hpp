// Cursor pages for list endpoints: newest first, `?limit=1..200&cursor=<next_cursor>`, where
// the cursor is the id of the last row of the previous page.
#pragma once

#include "http/router.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace linkledger::http {

struct page_request {
    int limit = 50;
    std::int64_t before_id = 0; // 0: from the newest
};

// Reads limit and cursor; 400 naming the parameter when either is malformed.
page_request read_page(request_context const& ctx);

// `?q=` of a list that can be searched (the dashboard's pickers type into it): a LIKE pattern
// matching the text anywhere, its % _ and \ taken literally, or "" when q is absent or blank.
// 400 naming q past k_max_search_bytes or when it is not clean UTF-8 text.
constexpr std::size_t k_max_search_bytes = 100;
std::string search_pattern(request_context const& ctx);

// {"<name>": first `limit` rows, "next_cursor": id of the last one, or null when the query
// (asked for limit + 1 rows) had no more}.
boost::json::object page_body(std::string const& name, boost::json::array rows, page_request const& page);

} // namespace linkledger::http
