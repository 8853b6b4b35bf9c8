// Money at the edges: ISO 4217 currencies, decimal amounts as networks send them ("19.99"),
// and commissions. Everything inside is integer minor units; no float ever holds money.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkledger::money {

// Digits after the decimal point for a known ISO 4217 code (EUR 2, JPY 0, KWD 3), or nothing
// for a code we do not know.
std::optional<int> currency_exponent(std::string_view code);

// Every code currency_exponent knows, in code order, with its digits: the dashboard formats and
// reads amounts by these, not by its browser's own table (which gives HUF or IDR none).
std::vector<std::pair<std::string_view, int>> known_currencies();

// A sale's currency as every door reads it: without the blanks around it, in upper case ("usd "
// is USD by postback, CSV and API alike). Unchecked: currency_exponent says if it is one.
std::string currency_code(std::string_view written);

// "19.99", "19,99", "20", "-0.5" → minor units of `currency`. Nothing for anything else,
// including more decimals than the currency has (we never round a sale amount silently).
std::optional<std::int64_t> parse_major_amount(std::string_view text, std::string_view currency);

// As parse_major_amount, for a figure a network or a person wrote (postbacks, CSV reports),
// where a separator may group thousands: "1,000" or "10.000" (a leading group of one to three
// digits, then exactly three), in a currency of fewer decimals, is refused rather than read as
// 1 or 10; "0.500" and "1234.500" cannot be groups and read as before.
std::optional<std::int64_t> parse_written_amount(std::string_view text, std::string_view currency);

// Minor units back to a decimal string ("1999" EUR → "19.99").
std::string format_major_amount(std::int64_t minor, std::string_view currency);

// The same with its currency, as warnings name a figure ("19.99 EUR").
std::string money_text(std::int64_t minor, std::string const& currency);

// numerator / denominator (denominator > 0) rounded half to even: the one rounding rule money
// uses, for commissions and per-click figures alike.
__int128 divide_half_even(__int128 numerator, __int128 denominator);

// amount × rate_bps / 10 000, rounded half to even (banker's rounding): 0.5 cent goes to the
// even cent, so rounding errors do not all lean one way over thousands of sales.
std::int64_t percent_commission(std::int64_t amount_minor, std::int64_t rate_bps);

} // namespace linkledger::money
