#include "http/form_body.hpp"

#include "http/http_error.hpp"

#include <boost/url/parse_query.hpp>
#include <boost/url/params_view.hpp>

namespace linkledger::http {

std::map<std::string, std::string> form_body(request const& req)
{
    // '+' means a space in forms but not in URLs; a literal plus arrives as %2B, so turning
    // each '+' into %20 first lets the URL decoder do the rest.
    std::string body;
    body.reserve(req.body().size());
    for (char c : req.body()) {
        if (c == '+')
            body += "%20";
        else
            body.push_back(c);
    }
    auto parsed = boost::urls::parse_query(body);
    if (!parsed)
        throw bad_field("body", "the body must be form-encoded (name=value&...)", "invalid_form");
    std::map<std::string, std::string> out;
    for (auto const& param : boost::urls::params_view(*parsed))
        out.emplace(std::string(param.key), std::string(param.value));
    return out;
}

} // namespace linkledger::http
