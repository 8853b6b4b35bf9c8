// Builders for the responses handlers return: JSON, the JSON error body, small HTML pages.
#pragma once

#include "http/http_error.hpp"
#include "http/types.hpp"

#include <boost/json/value.hpp>

#include <string_view>

namespace linkledger::http {

response json_response(status s, boost::json::value const& body);
response error_response(http_error const& error);
response html_response(status s, std::string body);
// A minimal page for a visitor (404, 410, ...): escaped title and message.
response message_page(status s, std::string_view title, std::string_view message);

std::string html_escape(std::string_view text);

} // namespace linkledger::http
