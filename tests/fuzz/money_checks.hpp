// Properties every sale must have, whichever door it came through, shared by the money fuzzers.
#pragma once

#include "fuzz_check.hpp"
#include "money/amount.hpp"
#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"
#include "money/sale_checks.hpp"
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
    expect(!s.status || one_of(*s.status, {"pending", "approved", "rejected", "paid"}),
           "a sale status is absent (kept as stored) or one of the four");
    expect(s.currency.empty() || money::currency_exponent(s.currency).has_value(),
           "a sale currency is empty (the offer's) or ISO 4217");
    expect(!s.reported_commission_minor || *s.reported_commission_minor >= 0, "a commission is never negative");
    auto const rule = money::commission_rule{"percent", 10000, std::nullopt};
    (void)money::percent_commission(s.amount_minor, *rule.rate_bps); // 100 %: must not overflow
    // The one set of limits record_sale applies: either the sale is within every limit, or a
    // 400 names the field at fault.
    // A percent offer keeps a network's figure beside its own, whatever it is; a reported
    // offer books it, so it must not pass the amount.
    auto reported = euro_offer();
    reported.commission = {"reported", std::nullopt, std::nullopt};
    for (auto const& o : {euro_offer(), reported}) {
        try {
            money::check_sale(s, o);
            expect(s.txid.size() <= money::k_max_txid_bytes && clicks::is_clean_text(s.txid),
                   "a sale that passes the checks has a clean txid");
            expect(clicks::is_clean_text(s.click_id) && clicks::is_clean_text(s.code),
                   "a sale that passes the checks has a clean click id and code");
            expect(s.amount_minor <= money::k_max_amount_minor, "a sale that passes the checks is within the cap");
            expect(o.commission.type != "reported" || !s.reported_commission_minor ||
                       *s.reported_commission_minor <= s.amount_minor,
                   "a reported commission that passes the checks is not above the amount");
        } catch (http::http_error const& e) {
            expect(e.status == http::status::bad_request, "a sale outside the limits is a 400");
            expect(!e.field.empty(), "a sale outside the limits names the field");
        }
    }
}

} // namespace linkledger::fuzz
