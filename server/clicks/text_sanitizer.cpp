#include "clicks/text_sanitizer.hpp"

namespace linkledger::clicks {
namespace {

// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 if it is not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i)
{
    auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    auto const continuation = [&](std::size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
    unsigned char const c = byte(i);
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return continuation(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!continuation(i + 1) || !continuation(i + 2))
            return 0;
        // Overlong forms and UTF-16 surrogates are not valid UTF-8.
        if ((c == 0xE0 && byte(i + 1) < 0xA0) || (c == 0xED && byte(i + 1) > 0x9F))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3))
            return 0;
        if ((c == 0xF0 && byte(i + 1) < 0x90) || (c == 0xF4 && byte(i + 1) > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

} // namespace

std::string storable_text(std::string_view text, std::size_t max_bytes)
{
    std::string out;
    storable_text(out, text, max_bytes);
    return out;
}

void storable_text(std::string& out, std::string_view text, std::size_t max_bytes)
{
    constexpr std::string_view replacement = "\xEF\xBF\xBD";
    out.clear();
    out.reserve(std::min(text.size(), max_bytes));
    for (std::size_t i = 0; i < text.size();) {
        // Printable ASCII, nearly every byte of a User-Agent or Referer: kept a run at a time.
        auto run = i;
        while (run < text.size() && run - i < max_bytes - out.size() && text[run] >= 0x20 && text[run] < 0x7f)
            ++run;
        if (run > i) {
            out.append(text.substr(i, run - i));
            i = run;
            continue;
        }
        auto const length = utf8_sequence_length(text, i);
        std::string_view piece = length == 0 ? replacement : text.substr(i, length);
        i += length == 0 ? 1 : length;
        if (piece.size() == 1 && (static_cast<unsigned char>(piece[0]) < 0x20 || piece[0] == 0x7f))
            continue;
        if (out.size() + piece.size() > max_bytes)
            break;
        out.append(piece);
    }
}

bool is_clean_text(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        auto const length = utf8_sequence_length(text, i);
        if (length == 0)
            return false;
        if (length == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7f))
            return false;
        i += length;
    }
    return true;
}

namespace {

// The length of the blank `text` starts with (trim_spaces), 0 when none.
std::size_t leading_space(std::string_view text)
{
    if (text.empty())
        return 0;
    auto const b = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
    if (text[0] == ' ' || text[0] == '\t' || text[0] == '\r' || text[0] == '\n')
        return 1;
    if (b(0) == 0xc2 && b(1) == 0xa0) // U+00A0
        return 2;
    if (b(0) == 0xe2 && b(1) == 0x80 && ((b(2) >= 0x80 && b(2) <= 0x8b) || b(2) == 0xaf)) // U+2000-U+200B, U+202F
        return 3;
    if (b(0) == 0xe2 && b(1) == 0x81 && b(2) == 0x9f) // U+205F
        return 3;
    if (b(0) == 0xe3 && b(1) == 0x80 && b(2) == 0x80) // U+3000
        return 3;
    if (b(0) == 0xef && b(1) == 0xbb && b(2) == 0xbf) // U+FEFF
        return 3;
    return 0;
}

// The length of the blank `text` ends with, 0 when none.
std::size_t trailing_space(std::string_view text)
{
    for (std::size_t length = 1; length <= 3 && length <= text.size(); ++length)
        if (leading_space(text.substr(text.size() - length)) == length)
            return length;
    return 0;
}

} // namespace

std::string_view trim_spaces(std::string_view text)
{
    while (auto const n = leading_space(text))
        text.remove_prefix(n);
    while (auto const n = trailing_space(text))
        text.remove_suffix(n);
    return text;
}

} // namespace linkledger::clicks
