#include "web/page_headers.hpp"

namespace linkledger::web {

void add_page_headers(http::response& res, std::string_view csp)
{
    res.set("Content-Security-Policy", csp);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "same-origin");
}

} // namespace linkledger::web
