// The four states of a sale, and the many words networks and shops use for them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkledger::money {

// "pending", "approved", "rejected" or "paid" for a known word (case-insensitive: "Approved",
// "confirmed", "declined", "cancelled", "refunded", "1", ...; the blanks around it do not
// count: "reversed " is rejected), nothing otherwise.
std::optional<std::string> normalize_status(std::string_view word);

// Whether a sale in this state counts towards revenue and commission.
inline bool counts(std::string_view status) { return status != "rejected"; }

} // namespace linkledger::money
