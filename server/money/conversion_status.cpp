#include "money/conversion_status.hpp"

#include "clicks/text_sanitizer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace linkledger::money {
namespace {

// Words seen in the postback docs of the common networks (Awin, Impact, CJ, Rakuten, Tradedoubler,
// Effiliation, Amazon reports, HasOffers/TUNE: 0 pending, 1 approved, 2 rejected).
constexpr std::array<std::pair<std::string_view, std::string_view>, 33> k_aliases{{
    {"pending", "pending"},     {"open", "pending"},         {"new", "pending"},
    {"hold", "pending"},        {"on_hold", "pending"},      {"on-hold", "pending"},
    {"processing", "pending"},  {"waiting", "pending"},      {"0", "pending"},
    {"approved", "approved"},   {"approve", "approved"},     {"accepted", "approved"},
    {"confirmed", "approved"},  {"valid", "approved"},       {"validated", "approved"},
    {"completed", "approved"},  {"complete", "approved"},    {"1", "approved"},
    {"rejected", "rejected"},   {"reject", "rejected"},      {"declined", "rejected"},
    {"denied", "rejected"},     {"cancelled", "rejected"},   {"canceled", "rejected"},
    {"refunded", "rejected"},   {"reversed", "rejected"},    {"invalid", "rejected"},
    {"void", "rejected"},       {"chargeback", "rejected"},  {"2", "rejected"},
    {"paid", "paid"},           {"settled", "paid"},         {"payed", "paid"},
}};

} // namespace

std::optional<std::string> normalize_status(std::string_view word)
{
    // Trimmed here, not at each door: the CSV import handed over a trimmed cell while the
    // postback and the API passed "reversed " as sent and refused a network's reversal.
    std::string lower(clicks::trim_spaces(word));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (auto const& [alias, status] : k_aliases) {
        if (alias == lower)
            return std::string(status);
    }
    return std::nullopt;
}

} // namespace linkledger::money
