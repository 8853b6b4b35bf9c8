// Reading application/x-www-form-urlencoded bodies, as the login and logout forms send them.
#pragma once

#include "http/types.hpp"

#include <map>
#include <string>

namespace linkledger::http {

// Name -> first value, decoded ('+' is a space). Throws http_error 400 (field "body") when
// the body is not form-encoded.
std::map<std::string, std::string> form_body(request const& req);

} // namespace linkledger::http
