#include "http/written_authority.hpp"

#include <algorithm>
#include <cctype>

namespace linkledger::http {

written_authority authority_as_written(std::string_view url)
{
    written_authority out;
    auto const start = url.find("//");
    if (start == std::string_view::npos)
        return out;
    auto authority = url.substr(start + 2);
    auto const end = authority.find_first_of("/?#");
    if (end != std::string_view::npos) {
        out.rest = authority.substr(end);
        authority = authority.substr(0, end);
    }
    if (auto const at = authority.rfind('@'); at != std::string_view::npos) {
        out.userinfo = true;
        authority.remove_prefix(at + 1);
    }
    auto const host_end = !authority.empty() && authority.front() == '['
                              ? std::min(authority.find(']'), authority.size() - 1) + 1
                              : std::min(authority.find(':'), authority.size());
    out.host = authority.substr(0, host_end);
    if (host_end < authority.size() && authority[host_end] == ':')
        out.port = authority.substr(host_end + 1);
    return out;
}

bool authority_cut_short(std::string_view parsed_path)
{
    // After an authority a path is empty or starts with a slash: one that does not is the rest
    // of a host the parser stopped reading.
    return !parsed_path.empty() && parsed_path.front() != '/';
}

bool ends_in_a_number(std::string_view host)
{
    if (host.size() > 1 && host.back() == '.')
        host.remove_suffix(1);
    auto const dot = host.rfind('.');
    auto const last = dot == std::string_view::npos ? host : host.substr(dot + 1);
    auto const all_of = [](std::string_view text, auto is) {
        return std::all_of(text.begin(), text.end(), [&](char c) { return is(static_cast<unsigned char>(c)); });
    };
    if (!last.empty() && all_of(last, [](unsigned char c) { return std::isdigit(c) != 0; }))
        return true;
    return last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') &&
           all_of(last.substr(2), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

} // namespace linkledger::http
