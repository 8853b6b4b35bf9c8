// An offer: a merchant's or network's programme, with its commission rule and the secrets a
// network or shop uses to report sales to us.
#pragma once

#include <pqxx/row>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>

namespace linkledger::money {

struct commission_rule {
    std::string type;              // percent, fixed, reported
    std::optional<std::int64_t> rate_bps;
    std::optional<std::int64_t> amount_minor;
};

// What an offer pays and how: set when it is created, most of it changeable later (never the
// currency).
struct offer_terms {
    std::string name;
    std::string currency;
    commission_rule commission;
    int attribution_window_days = 30;
    // What a shop order's commission is paid on: "subtotal" (after discounts, without shipping,
    // tax and tips, as shop affiliate programmes pay) or "total" (what the customer paid).
    std::string commission_base = "subtotal";
    // A reported commission above the sale's amount is accepted only when set (lead offers).
    bool allow_commission_above_amount = false;
    bool active = true;
};

struct offer : offer_terms {
    std::int64_t id = 0;
    std::string postback_token_sha256; // 32 raw bytes
    std::string webhook_secret;
};

std::optional<offer> load_offer(pqxx::transaction_base& tx, std::int64_t id);

// The commission a sale earns under `rule`, in the sale's minor units. `reported` uses the
// network's figure (0 until it reports one).
std::int64_t commission_for(commission_rule const& rule, std::int64_t amount_minor,
                            std::optional<std::int64_t> reported_minor);

// A reported commission carried to a new amount that came without a figure of its own (a partial
// refund by postback or by a shop, a report without its commission column): `commission_minor`
// on `amount_minor` scaled to `new_amount_minor`, rounded half to even, and never above the new
// amount unless `allow_above_amount`. The same amount keeps the commission as it is (a status
// update). A sale whose amount was 0 gives no proportion: its commission is kept (a lead offer
// pays per lead), within the same cap.
std::int64_t reported_commission_at(std::int64_t commission_minor, std::int64_t amount_minor,
                                    std::int64_t new_amount_minor, bool allow_above_amount);

// The rule a booked sale is priced by, through its repeats, status changes and refunds: the
// one it was booked under (conversions.commission_type, commission_rate_bps,
// commission_fixed_minor, migration 0021), read from `row` at `first` and the two columns
// after; `current` (the offer's rule now) for a sale an older node booked without them.
commission_rule booked_rule(pqxx::row const& row, pqxx::row::size_type first, commission_rule const& current);

// The base ("subtotal" or "total") a booked shop sale is priced on, through its order's later
// deliveries and refunds: the one it was booked on (conversions.commission_base, migration 0038),
// as it keeps its rule; `current` (the offer's base now) for a sale an older node booked without it.
std::string booked_commission_base(pqxx::field const& stored, std::string const& current);

// Fresh secrets: the postback token (only its hash is stored) and the webhook secret.
struct offer_secrets {
    std::string postback_token;
    std::string webhook_secret;
};
offer_secrets generate_offer_secrets();

} // namespace linkledger::money
