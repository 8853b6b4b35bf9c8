#include "web/page_headers.hpp"

#include "crypto/digest.hpp"
#include "web/embedded_assets.hpp"

#include <cctype>

namespace linkledger::web {
namespace {

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// What a browser renders as a document of our origin, where a policy matters.
bool renderable(std::string_view content_type)
{
    return content_type.starts_with("text/html") || content_type.starts_with("image/svg+xml");
}

} // namespace

std::string csp_hash(std::string_view inline_content)
{
    auto const digest = crypto::sha256(inline_content);
    return "'sha256-" + crypto::base64({reinterpret_cast<char const*>(digest.data()), digest.size()}) + "'";
}

std::string const& bio_csp()
{
    static std::string const policy = "default-src 'none'; style-src " + csp_hash(find_asset("bio/bio.css")) +
                                      "; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; "
                                      "frame-ancestors 'none'";
    return policy;
}

void add_page_headers(http::response& res, std::string_view csp)
{
    res.set("Content-Security-Policy", csp);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "same-origin");
}

bool served_over_https(http::request const& req, bool public_url_is_https)
{
    if (public_url_is_https)
        return true;
    // "https" or, from a chain of proxies, "https, http": the first is the client's.
    auto const proto = req["X-Forwarded-Proto"];
    auto const first = std::string_view(proto.data(), proto.size()).substr(0, proto.find(','));
    auto trimmed = first;
    while (!trimmed.empty() && trimmed.back() == ' ')
        trimmed.remove_suffix(1);
    return iequals(trimmed, "https");
}

void finish_response(http::request const& req, http::response& res, bool public_url_is_https)
{
    if (res.find("X-Content-Type-Options") == res.end())
        res.set("X-Content-Type-Options", "nosniff");
    if (served_over_https(req, public_url_is_https))
        res.set(http::bhttp::field::strict_transport_security, k_hsts);
    auto const type = res[http::bhttp::field::content_type];
    if (renderable({type.data(), type.size()}) && res.find("Content-Security-Policy") == res.end())
        add_page_headers(res, k_default_csp);
}

} // namespace linkledger::web
