// One set of limits on a sale, whichever door it came through (API, postback, CSV, shop
// webhook): record_sale applies it before anything reaches PostgreSQL, and the fuzz targets
// hold every parser to it. Each refusal is a 400 naming the field.
#pragma once

#include "money/offer.hpp"
#include "money/sale_recorder.hpp"

#include <cstdint>

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

} // namespace linkledger::money
