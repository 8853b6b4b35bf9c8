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

// {"<name>": first `limit` rows, "next_cursor": id of the last one, or null when the query
// (asked for limit + 1 rows) had no more}.
boost::json::object page_body(std::string const& name, boost::json::array rows, page_request const& page);

} // namespace linkledger::http
