#include "http/request_log.hpp"

#include "logging/json_formatter.hpp"
#include "logging/redaction.hpp"

#include <spdlog/spdlog.h>

namespace linkledger::http {

void log_request_details(request const& req, std::string_view client_ip)
{
    if (!spdlog::should_log(spdlog::level::debug))
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
    // Header values hold spaces and whatever the client wrote: quoted, they stay one field.
    spdlog::debug("http request method={} path={} query={} client={} body_bytes={} headers={}",
                  std::string_view(req.method_string().data(), req.method_string().size()), logging::quoted(path),
                  logging::quoted(query), client_ip, req.body().size(), logging::quoted(headers));
}

} // namespace linkledger::http
