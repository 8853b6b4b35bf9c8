// The debug-level view of a request: its query string and headers, secrets redacted. The
// info-level line ("http method= path= status=") never shows a query or a header at all.
#pragma once

#include "http/types.hpp"

#include <string_view>

namespace linkledger::http {

// Logs one debug line for `req` when debug logging is on; costs one level test otherwise.
void log_request_details(request const& req, std::string_view client_ip);

} // namespace linkledger::http
