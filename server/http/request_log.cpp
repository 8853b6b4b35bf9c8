#include "http/request_log.hpp"

#include "logging/logging.hpp"
#include "logging/redaction.hpp"

namespace linkledger::http {

void log_request_details(request const& req, std::string_view client_ip)
{
    if (!logging::enabled(spdlog::level::debug))
        return;
    auto const target = std::string_view(req.target().data(), req.target().size());
    auto const mark = target.find('?');
    auto const path = target.substr(0, std::min<std::size_t>(mark, 256));
    auto const query = mark == std::string_view::npos ? std::string() : logging::redact_query(target.substr(mark + 1));
    std::string headers;
    for (auto const& field : req) {
        auto const name = std::string_view(field.name_string().data(), field.name_string().size());
        if (!headers.empty())
            headers += "; ";
        headers.append(name);
        headers += ": ";
        headers += logging::loggable_header(name, {field.value().data(), field.value().size()});
        if (headers.size() > 2048)
            break;
    }
    // The body is never logged: it holds passwords (login) and whole orders (webhooks).
    logging::debug("http request", {{"method", std::string_view(req.method_string().data(), req.method_string().size())},
                                    {"path", path},
                                    {"query", query},
                                    {"client", client_ip},
                                    {"body_bytes", req.body().size()},
                                    {"headers", headers}});
}

} // namespace linkledger::http
