#include "http/early_answers.hpp"

#include "http/http_error.hpp"
#include "http/listener.hpp"
#include "http/response.hpp"
#include "http/router.hpp"

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::http {

response uri_too_long()
{
    return error_response(http_error(status::uri_too_long, "uri_too_long",
                                     "the request target is longer than " + std::to_string(k_max_target_bytes) +
                                         " bytes",
                                     "target"));
}

response headers_too_large(std::string_view code)
{
    bool const too_many = code == "too_many_headers";
    return error_response(http_error(status::request_header_fields_too_large, std::string(code),
                                     too_many ? "the request has more than " + std::to_string(k_max_header_fields) +
                                                    " header fields"
                                              : "the request headers are larger than " +
                                                    std::to_string(k_max_header_bytes) + " bytes",
                                     "headers"));
}

response too_large_body()
{
    return error_response(http_error(status::payload_too_large, "payload_too_large",
                                     "the request body is too large", "body"));
}

response too_many_large_bodies()
{
    auto res = error_response(http_error(status::service_unavailable, "busy",
                                         "too many large request bodies are being received; try again shortly",
                                         "body"));
    res.set(bhttp::field::retry_after, "1");
    return res;
}

response malformed_request()
{
    return error_response(http_error(status::bad_request, "malformed_request",
                                     "the request is not valid HTTP/1.1 (request line, a header field or the "
                                     "body's framing)"));
}

response oversized_framing()
{
    return error_response(http_error(status::request_header_fields_too_large, "framing_too_large",
                                     "a chunk's extensions or the trailer fields are larger than " +
                                         std::to_string(k_max_buffered_bytes / 1024) + " KiB",
                                     "body"));
}

response oversized_header(request const& partial, std::size_t buffered_bytes)
{
    bool const no_request_line = partial.target().empty();
    if ((no_request_line && buffered_bytes > k_max_target_bytes) || partial.target().size() > k_max_target_bytes)
        return uri_too_long();
    return headers_too_large();
}

std::optional<response> header_problem(request const& req, std::size_t header_bytes)
{
    auto const target = req.target();
    if (target.size() > k_max_target_bytes)
        return uri_too_long();
    // The request line is method, target, "HTTP/1.x" and three separators.
    auto const line_bytes = req.method_string().size() + target.size() + 12;
    if (header_bytes > line_bytes + k_max_header_bytes)
        return headers_too_large();
    std::size_t fields = 0;
    for (auto it = req.begin(); it != req.end(); ++it)
        if (++fields > k_max_header_fields)
            return headers_too_large("too_many_headers");
    if (auto problem = host_problem(req))
        return problem;
    return transfer_coding_problem(req);
}

std::optional<response> transfer_coding_problem(request const& req)
{
    // Beast frames a body only by a final "chunked"; with any other Transfer-Encoding it reads
    // none, and the body would be taken for the next request on the connection (request
    // smuggling behind a proxy that reads it otherwise). RFC 9112 6.3: 400 and close.
    auto const fields = req.equal_range(bhttp::field::transfer_encoding);
    if (fields.first == fields.second)
        return std::nullopt;
    std::vector<std::string> codings;
    for (auto it = fields.first; it != fields.second; ++it) {
        std::string_view rest = it->value();
        while (!rest.empty()) {
            auto const comma = rest.find(',');
            auto token = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
                token.remove_prefix(1);
            while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
                token.remove_suffix(1);
            if (!token.empty())
                codings.emplace_back(token);
        }
    }
    if (codings.empty() || !beast::iequals(codings.back(), "chunked"))
        return error_response(http_error(status::bad_request, "bad_transfer_encoding",
                                         "a request's Transfer-Encoding must end in chunked", "Transfer-Encoding"));
    if (codings.size() > 1)
        return error_response(http_error(status::not_implemented, "unsupported_transfer_encoding",
                                         "only the chunked transfer coding is supported", "Transfer-Encoding"));
    return std::nullopt;
}

std::optional<response> host_problem(request const& req)
{
    auto const [first, last] = req.equal_range(bhttp::field::host);
    auto const count = std::distance(first, last);
    if (count == 1 || (count == 0 && req.version() < 11))
        return std::nullopt;
    return error_response(http_error(status::bad_request, "bad_host",
                                     count == 0 ? "an HTTP/1.1 request needs a Host field"
                                                : "a request has at most one Host field",
                                     "Host"));
}

} // namespace linkledger::http
