#include "http/cookies.hpp"

namespace linkledger::http {

std::optional<std::string> cookie(request const& req, std::string_view name)
{
    auto const [first, last] = req.equal_range(bhttp::field::cookie);
    for (auto it = first; it != last; ++it) {
        std::string_view rest = it->value();
        while (!rest.empty()) {
            auto const end = rest.find(';');
            auto pair = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            while (!pair.empty() && pair.front() == ' ')
                pair.remove_prefix(1);
            auto const eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
                auto value = pair.substr(eq + 1);
                while (!value.empty() && value.back() == ' ')
                    value.remove_suffix(1);
                return std::string(value);
            }
        }
    }
    return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value, cookie_options const& o)
{
    std::string out = std::string(name) + "=" + std::string(value) + "; Path=" + o.path +
                      "; HttpOnly; SameSite=" + o.same_site;
    if (o.secure)
        out += "; Secure";
    if (o.max_age)
        out += "; Max-Age=" + std::to_string(o.max_age->count());
    return out;
}

} // namespace linkledger::http
