#include "http/json_strict.hpp"

#include "http/http_error.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <charconv>
#include <vector>

namespace linkledger::http {
namespace {

// Digits that decide a number's value: "-0012.3400e5" has four (1234).
std::size_t significant_digits(std::string_view number)
{
    std::string digits;
    for (char const c : number) {
        if (c == 'e' || c == 'E')
            break;
        if (c >= '0' && c <= '9')
            digits.push_back(c);
    }
    auto const first = digits.find_first_not_of('0');
    if (first == std::string::npos)
        return 0;
    return digits.find_last_not_of('0') - first + 1;
}

// Every decimal of up to 15 significant digits reads into a double that prints back as itself.
constexpr std::size_t k_exact_digits = 15;

struct ambiguity_finder {
    static constexpr std::size_t max_array_size = -1;
    static constexpr std::size_t max_object_size = -1;
    static constexpr std::size_t max_string_size = -1;
    static constexpr std::size_t max_key_size = -1;

    std::vector<std::vector<std::string>> objects; // the keys of each open object, innermost last
    std::string key;                               // the key being read, then the last one read
    std::string number;                            // a number's text so far
    json_ambiguity found;

    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_array_begin(boost::system::error_code&) { return true; }
    bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
    bool on_object_begin(boost::system::error_code&)
    {
        objects.emplace_back();
        return true;
    }
    bool on_object_end(std::size_t, boost::system::error_code&)
    {
        // Sorted once at the end, not compared pairwise as keys come: 64 KiB of distinct keys
        // is thousands of them.
        auto& keys = objects.back();
        std::sort(keys.begin(), keys.end());
        if (auto const twice = std::adjacent_find(keys.begin(), keys.end());
            twice != keys.end() && found.duplicate_key.empty())
            found.duplicate_key = *twice;
        objects.pop_back();
        return true;
    }
    bool on_string_part(boost::json::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_string(boost::json::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_key_part(boost::json::string_view s, std::size_t n, boost::system::error_code&)
    {
        if (n == s.size())
            key.clear();
        key.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t n, boost::system::error_code&)
    {
        if (n == s.size())
            key.clear();
        key.append(s.data(), s.size());
        objects.back().push_back(key);
        return true;
    }
    bool on_number_part(boost::json::string_view s, boost::system::error_code&)
    {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t, boost::json::string_view, boost::system::error_code&)
    {
        number.clear(); // a whole number that fits in 64 bits is read exactly
        return true;
    }
    bool on_uint64(std::uint64_t, boost::json::string_view, boost::system::error_code&)
    {
        number.clear();
        return true;
    }
    bool on_double(double, boost::json::string_view s, boost::system::error_code&)
    {
        number.append(s.data(), s.size());
        if (significant_digits(number) > k_exact_digits)
            found.inexact_keys.insert(objects.empty() ? std::string() : key);
        number.clear();
        return true;
    }
    bool on_bool(bool, boost::system::error_code&) { return true; }
    bool on_null(boost::system::error_code&) { return true; }
    bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }
};

} // namespace

json_ambiguity find_ambiguity(std::string_view text)
{
    boost::json::basic_parser<ambiguity_finder> parser{boost::json::parse_options{}};
    boost::system::error_code ec;
    parser.write_some(false, text.data(), text.size(), ec);
    return std::move(parser.handler().found);
}

void refuse_duplicate_key(json_ambiguity const& found)
{
    if (!found.duplicate_key.empty())
        throw bad_field(found.duplicate_key, found.duplicate_key + " is given twice in one JSON object",
                        "duplicate_field");
}

void refuse_duplicate_keys(std::string_view text)
{
    refuse_duplicate_key(find_ambiguity(text));
}

void refuse_ambiguous_json(std::string_view text)
{
    auto const found = find_ambiguity(text);
    refuse_duplicate_key(found);
    if (!found.inexact_keys.empty())
        throw inexact_number(*found.inexact_keys.begin());
}

http_error inexact_number(std::string const& key)
{
    return bad_field(key.empty() ? std::string("body") : key,
                     (key.empty() ? std::string("a number") : key) +
                         " has more significant digits than can be read exactly (15); send it as a string",
                     "inexact_number");
}

std::string decimal_text(double value)
{
    char buffer[400];
    auto const [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    return ec == std::errc{} ? std::string(buffer, end) : std::string("nan");
}

} // namespace linkledger::http
