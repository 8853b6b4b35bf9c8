#include "http/response.hpp"

#include "http/json_text.hpp"

namespace linkledger::http {

response json_response(status s, boost::json::value const& body)
{
    response res{s, 11};
    res.set(bhttp::field::content_type, "application/json; charset=utf-8");
    res.set(bhttp::field::cache_control, "no-store");
    res.body() = json_text(body);
    res.body().push_back('\n');
    return res;
}

response error_response(http_error const& error)
{
    boost::json::object detail{{"code", error.code}, {"message", error.what()}};
    detail["field"] = error.field.empty() ? boost::json::value(nullptr)
                                          : boost::json::value(error.field);
    auto res = json_response(error.status, boost::json::object{{"error", std::move(detail)}});
    if (error.status == status::unauthorized)
        res.set(bhttp::field::www_authenticate, "Bearer");
    if (!error.allow.empty())
        res.set(bhttp::field::allow, error.allow);
    return res;
}

response html_response(status s, std::string body)
{
    response res{s, 11};
    res.set(bhttp::field::content_type, "text/html; charset=utf-8");
    res.body() = std::move(body);
    return res;
}

response message_page(status s, std::string_view title, std::string_view message)
{
    return html_response(
        s, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
               html_escape(title) + "</title></head><body><h1>" + html_escape(title) +
               "</h1><p>" + html_escape(message) + "</p></body></html>\n");
}

std::string html_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

} // namespace linkledger::http
