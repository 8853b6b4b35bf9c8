// One set of limits on a sale, whichever door it came through (API, postback, CSV, shop
// webhook): record_sale applies it before anything reaches PostgreSQL, and the fuzz targets
// hold every parser to it. Each refusal is a 400 naming the field.
#pragma once

#include "money/offer.hpp"
#include "money/sale_recorder.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace linkledger::money {

// The largest amount or commission one sale may carry, in minor units (10 billion in a
// two-decimal currency). A report then sums more than nine million such sales before it
// could leave int64, and it sums in numeric anyway.
inline constexpr std::int64_t k_max_amount_minor = 1'000'000'000'000;

inline constexpr std::size_t k_max_txid_bytes = 200;
inline constexpr std::size_t k_max_click_id_bytes = 64;
inline constexpr std::size_t k_max_code_bytes = 64;

// Throws http_error 400 naming the field: txid (1 to 200 bytes), click_id and code (up to 64)
// that are not valid UTF-8 or hold a control character or NUL; a currency outside ISO 4217;
// an amount or commission below 0 or above k_max_amount_minor; a reported commission above
// the amount, unless the offer allows it or computes its own (percent, fixed: the figure is
// then the network's, kept beside ours). record_sale checks with the rule the sale is priced by.
void check_sale(sale const& s, offer const& o);
// check_sale in two parts: every limit but the one that depends on the rule the sale is priced by
// (checked before the sale's text is sent to PostgreSQL), then that one (once the sale is found:
// a booked sale keeps its own rule).
void check_sale_but_commission_rule(sale const& s);
void check_commission_rule(sale const& s, offer const& o);

// How far past now a sale's time may lie. A sale is dated by the merchant's or network's clock
// and, without an offset, read on the instance's zone's wall clock: a report written in a zone
// up to 14 hours ahead of it (Kiribati) plus a clock a few minutes fast must still go in, so
// the slack is a day, as video statistics allow tomorrow's date. A sale further ahead (a typo
// for 2029, 2099) would be booked but fall in no dashboard period until then: it is refused.
inline constexpr std::chrono::hours k_sale_time_slack{24};

// True when `utc_at` (a sale's time as stored, "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", UTC) is more
// than k_sale_time_slack after `now`.
bool is_sale_time_ahead(std::string const& utc_at, std::chrono::system_clock::time_point now);

// A sale dated before 2000 (0026 or 1926 typed for 2026) would be booked but fall in no dashboard
// period a creator looks at, and no network or shop this tracks sold anything then: refused too.
inline constexpr int k_first_sale_year = 2000;

// True when `utc_at` (as is_sale_time_ahead reads it) is before k_first_sale_year.
bool is_sale_time_too_old(std::string const& utc_at);

// Throws http_error 400 naming `field` when `utc_at` is ahead (is_sale_time_ahead) or too old
// (is_sale_time_too_old); the message
// quotes the time as `written`. A shop's signed delivery is not refused for it
// (sale::arrival_when_ahead).
void check_sale_time(std::string const& utc_at, std::string const& written, std::string const& field,
                     std::chrono::system_clock::time_point now);

} // namespace linkledger::money
