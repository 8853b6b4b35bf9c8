#include "money/amount.hpp"

#include "clicks/text_sanitizer.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>

namespace linkledger::money {
namespace {

struct currency_info {
    std::string_view code;
    int exponent;
};

// ISO 4217 active codes with their minor-unit exponents.
constexpr std::array k_currencies = std::to_array<currency_info>({
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2},
    {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CRC", 2},
    {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2},
    {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2},
    {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2},
    {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2},
    {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2},
    {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2},
    {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SYP", 2}, {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2},
    {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2}, {"UZS", 2}, {"VES", 2}, {"VND", 0},
    {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2},
    {"ZMW", 2}, {"ZWL", 2},
});

static_assert(std::is_sorted(k_currencies.begin(), k_currencies.end(),
                             [](currency_info const& a, currency_info const& b) { return a.code < b.code; }));

constexpr std::int64_t k_max_minor = std::numeric_limits<std::int64_t>::max() / 1000;

} // namespace

std::optional<int> currency_exponent(std::string_view code)
{
    auto const it = std::lower_bound(k_currencies.begin(), k_currencies.end(), code,
                                     [](currency_info const& c, std::string_view v) { return c.code < v; });
    if (it == k_currencies.end() || it->code != code)
        return std::nullopt;
    return it->exponent;
}

std::vector<std::pair<std::string_view, int>> known_currencies()
{
    std::vector<std::pair<std::string_view, int>> out;
    out.reserve(k_currencies.size());
    for (auto const& c : k_currencies)
        out.emplace_back(c.code, c.exponent);
    return out;
}

std::optional<std::int64_t> parse_major_amount(std::string_view text, std::string_view currency)
{
    auto const exponent = currency_exponent(currency);
    if (!exponent || text.empty() || text.size() > 32)
        return std::nullopt;
    bool negative = false;
    if (text.front() == '-' || text.front() == '+') {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    auto const point = text.find_first_of(".,");
    auto const whole = text.substr(0, point);
    auto const fraction = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
    auto const digits = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || !digits(whole) || !digits(fraction) ||
        (point != std::string_view::npos && fraction.empty()))
        return std::nullopt;
    // Trailing zeros beyond the currency's precision are harmless ("19.990"); digits are not.
    auto significant = fraction;
    while (significant.size() > static_cast<std::size_t>(*exponent) && significant.back() == '0')
        significant.remove_suffix(1);
    if (significant.size() > static_cast<std::size_t>(*exponent))
        return std::nullopt;
    std::int64_t minor = 0;
    for (char c : whole) {
        minor = minor * 10 + (c - '0');
        if (minor > k_max_minor)
            return std::nullopt;
    }
    for (int i = 0; i < *exponent; ++i) {
        auto const index = static_cast<std::size_t>(i);
        minor = minor * 10 + (index < significant.size() ? significant[index] - '0' : 0);
    }
    if (minor > k_max_minor)
        return std::nullopt;
    return negative ? -minor : minor;
}

std::optional<std::int64_t> parse_written_amount(std::string_view text, std::string_view currency)
{
    // Only what could be a thousands group is in doubt: a leading group of one to three digits,
    // not starting with 0, then three digits ("1,000", "19.990"); "0.500" or "1234.500" is not.
    // A currency of three decimals (KWD, BHD) has such amounts for real: a point is its decimal
    // point there, as machines write it, but "1,234" stays in doubt (1234, or 1.234 written the
    // French way), a thousand times apart.
    auto const exponent = currency_exponent(currency);
    auto const digits = text.starts_with('-') || text.starts_with('+') ? text.substr(1) : text;
    auto const separator = digits.find_first_of(".,");
    if (exponent && separator != std::string_view::npos && (*exponent < 3 || digits[separator] == ',') &&
        separator >= 1 && separator <= 3 && digits.front() != '0' && digits.size() - separator - 1 == 3)
        return std::nullopt;
    return parse_major_amount(text, currency);
}

std::string format_major_amount(std::int64_t minor, std::string_view currency)
{
    // Built with append() only: g++ 12 -O2 raises a false -Wrestrict on insert() and on
    // "literal" + string here.
    auto const exponent = static_cast<std::size_t>(currency_exponent(currency).value_or(2));
    auto const digits = std::to_string(minor < 0 ? -minor : minor);
    std::string padded(digits.size() <= exponent ? exponent + 1 - digits.size() : 0, '0');
    padded.append(digits);
    auto const whole = padded.size() - exponent;
    std::string out;
    if (minor < 0)
        out.push_back('-');
    out.append(padded, 0, whole);
    if (exponent > 0) {
        out.push_back('.');
        out.append(padded, whole, exponent);
    }
    return out;
}

std::string money_text(std::int64_t minor, std::string const& currency)
{
    return format_major_amount(minor, currency) + " " + currency;
}

__int128 divide_half_even(__int128 numerator, __int128 denominator)
{
    __int128 quotient = numerator / denominator;
    __int128 const remainder = numerator % denominator;
    __int128 const twice = (remainder < 0 ? -remainder : remainder) * 2;
    if (twice > denominator || (twice == denominator && quotient % 2 != 0))
        quotient += numerator < 0 ? -1 : 1;
    return quotient;
}

std::int64_t percent_commission(std::int64_t amount_minor, std::int64_t rate_bps)
{
    return static_cast<std::int64_t>(divide_half_even(static_cast<__int128>(amount_minor) * rate_bps, 10000));
}

std::string currency_code(std::string_view written)
{
    std::string code(clicks::trim_spaces(written));
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
    return code;
}

} // namespace linkledger::money
