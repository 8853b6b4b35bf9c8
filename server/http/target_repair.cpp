#include "http/target_repair.hpp"

#include "http/percent_decoding.hpp"

namespace linkledger::http {
namespace {

// pchar (unreserved, sub-delims, ':' and '@') plus '/' and '?', as a path and query allow.
bool allowed(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '-': case '.': case '_': case '~': case '!': case '$': case '&': case '\'': case '(':
    case ')': case '*': case '+': case ',': case ';': case '=': case ':': case '@': case '/': case '?':
        return true;
    default:
        return false;
    }
}

bool escape_at(std::string_view text, std::size_t i)
{
    return text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0;
}

} // namespace

std::optional<std::string> repaired_target(std::string_view target)
{
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    bool changed = false;
    for (std::size_t i = 0; i < target.size(); ++i) {
        auto const c = target[i];
        if (allowed(c) || escape_at(target, i)) {
            out.push_back(c);
            continue;
        }
        auto const byte = static_cast<unsigned char>(c);
        out.push_back('%');
        out.push_back(k_hex[byte >> 4]);
        out.push_back(k_hex[byte & 15]);
        changed = true;
    }
    if (!changed)
        return std::nullopt;
    return out;
}

} // namespace linkledger::http
