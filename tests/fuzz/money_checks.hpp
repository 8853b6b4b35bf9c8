// Properties every sale must have, whichever door it came through, shared by the money fuzzers.
#pragma once

#include "fuzz_check.hpp"
#include "money/amount.hpp"
#include "money/sale_recorder.hpp"

namespace linkledger::fuzz {

// The offer sales are booked against when they name no currency.
inline money::offer euro_offer()
{
    money::offer o;
    o.id = 1;
    o.name = "Shop";
    o.currency = "EUR";
    o.commission = {"percent", 1000, std::nullopt};
    return o;
}

// An amount that parses reads back the same through the formatter the API answers with.
inline void expect_amount_round_trip(std::string_view text, std::string_view currency)
{
    auto const minor = money::parse_major_amount(text, currency);
    if (!minor)
        return;
    auto const formatted = money::format_major_amount(*minor, currency);
    expect(money::parse_major_amount(formatted, currency) == minor, "a parsed amount formats and parses back");
}

inline void expect_bookable(money::sale const& s)
{
    expect(!s.txid.empty(), "a sale has a txid");
    expect(s.amount_minor >= 0, "a sale amount is never negative");
    expect(one_of(s.status, {"pending", "approved", "rejected", "paid"}), "a sale status is one of the four");
    expect(s.currency.empty() || money::currency_exponent(s.currency).has_value(),
           "a sale currency is empty (the offer's) or ISO 4217");
    expect(!s.reported_commission_minor || *s.reported_commission_minor >= 0, "a commission is never negative");
    auto const rule = money::commission_rule{"percent", 10000, std::nullopt};
    (void)money::percent_commission(s.amount_minor, *rule.rate_bps); // 100 %: must not overflow
}

} // namespace linkledger::fuzz
