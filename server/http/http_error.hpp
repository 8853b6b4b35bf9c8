// The one error type handlers throw for a client mistake; the router turns it into the JSON
// body {"error": {"code", "message", "field"}} in exactly one place.
#pragma once

#include "http/types.hpp"

#include <stdexcept>
#include <string>

namespace linkledger::http {

struct http_error : std::runtime_error {
    http_error(bhttp::status s, std::string code, std::string const& message, std::string field = {})
        : std::runtime_error(message), status(s), code(std::move(code)), field(std::move(field))
    {
    }
    bhttp::status status;
    std::string code;
    std::string field; // empty when no single field is at fault
    std::string allow; // a 405's Allow header: the methods the path answers
};

inline http_error bad_field(std::string field, std::string const& message,
                            std::string code = "invalid_field")
{
    return http_error(bhttp::status::bad_request, std::move(code), message, std::move(field));
}

} // namespace linkledger::http
