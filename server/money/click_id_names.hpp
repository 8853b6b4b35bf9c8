// The names a click id travels under, in a postback's parameters and in what a shop keeps of the
// visit (an order's landing page, its attributes): each network and each link target names its
// sub-id parameter its own way (`subid={click_id}` in the README's own example).
#pragma once

#include <array>

namespace linkledger::money {

inline constexpr std::array<char const*, 5> k_click_id_names{"click_id", "clickid", "subid", "sub_id", "aff_sub"};

} // namespace linkledger::money
