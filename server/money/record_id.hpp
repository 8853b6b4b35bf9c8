// The largest id a request may name (offer_id, video_id, link_id in a body): PostgreSQL's
// bigserial ids stay far below it, and it leaves headroom under INT64_MAX so a bound check
// never overflows.
#pragma once

#include <cstdint>

namespace linkledger::money {

inline constexpr std::int64_t k_max_id = 9'000'000'000'000'000'000;

} // namespace linkledger::money
