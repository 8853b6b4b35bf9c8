// Query parameters of a parsed URL, read around a Boost.URL 1.81 bug.
#pragma once

#include <boost/url/url_view.hpp>

namespace linkledger::http {

// Boost.URL 1.81 misreads an empty query followed by a fragment ("?#x"): iterating its params
// yields a second, bogus parameter decoded from memory past the query (boostorg/url#864, fixed
// in later releases; found here by fuzz_postback). An empty query holds no parameter anyone
// asks for, so it is read as none.
inline bool has_query_params(boost::urls::url_view url)
{
    return url.has_query() && !url.encoded_query().empty();
}

} // namespace linkledger::http
