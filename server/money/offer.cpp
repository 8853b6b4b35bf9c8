#include "money/offer.hpp"

#include "crypto/random.hpp"
#include "money/amount.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {

std::optional<offer> load_offer(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const rows = tx.exec_params(
        "SELECT id, name, currency, commission_type, rate_bps, amount_minor, attribution_window_days, "
        "postback_token_sha256, webhook_secret, active, commission_base, allow_commission_above_amount "
        "FROM offers WHERE id = $1",
        id);
    if (rows.empty())
        return std::nullopt;
    auto const& r = rows[0];
    offer o;
    o.id = r[0].as<std::int64_t>();
    o.name = r[1].as<std::string>();
    o.currency = r[2].as<std::string>();
    o.commission.type = r[3].as<std::string>();
    if (!r[4].is_null())
        o.commission.rate_bps = r[4].as<std::int64_t>();
    if (!r[5].is_null())
        o.commission.amount_minor = r[5].as<std::int64_t>();
    o.attribution_window_days = r[6].as<int>();
    o.postback_token_sha256 = pqxx::binarystring(r[7]).str();
    o.webhook_secret = r[8].as<std::string>();
    o.active = r[9].as<bool>();
    o.commission_base = r[10].as<std::string>();
    o.allow_commission_above_amount = r[11].as<bool>();
    return o;
}

std::int64_t commission_for(commission_rule const& rule, std::int64_t amount_minor,
                            std::optional<std::int64_t> reported_minor)
{
    if (rule.type == "percent")
        return percent_commission(amount_minor, rule.rate_bps.value_or(0));
    if (rule.type == "fixed")
        return rule.amount_minor.value_or(0);
    return reported_minor.value_or(0);
}

// In proportion rather than merely capped at the amount: a network's commission is nearly always
// a share of what was bought (a rate per product category), so a refund of nine tenths of the
// order takes nine tenths of the commission, which is what the network's next statement says.
// Capped only, a 10.00 sale paying 2.50 refunded down to 1.00 would count 1.00, four times the
// network's 0.25. Kept as it was (before), it counted 2.50 on 1.00, and 2.50 as approved
// commission on a sale refunded to 0. A flat per-sale figure is the case the proportion gets
// wrong; the network's own figure replaces it whenever one comes, and record_sale's warnings
// ask for it.
std::int64_t reported_commission_at(std::int64_t commission_minor, std::int64_t amount_minor,
                                    std::int64_t new_amount_minor, bool allow_above_amount)
{
    if (new_amount_minor == amount_minor)
        return commission_minor;
    auto scaled = amount_minor > 0
                      ? static_cast<std::int64_t>(divide_half_even(
                            static_cast<__int128>(commission_minor) * new_amount_minor, amount_minor))
                      : commission_minor;
    if (!allow_above_amount && scaled > new_amount_minor)
        scaled = new_amount_minor;
    return scaled;
}

commission_rule booked_rule(pqxx::row const& row, pqxx::row::size_type first, commission_rule const& current)
{
    if (row[first].is_null())
        return current;
    commission_rule rule{row[first].as<std::string>(), std::nullopt, std::nullopt};
    if (!row[first + 1].is_null())
        rule.rate_bps = row[first + 1].as<std::int64_t>();
    if (!row[first + 2].is_null())
        rule.amount_minor = row[first + 2].as<std::int64_t>();
    return rule;
}

std::string booked_commission_base(pqxx::field const& stored, std::string const& current)
{
    return stored.is_null() ? current : stored.as<std::string>();
}

offer_secrets generate_offer_secrets()
{
    return {"pb_" + crypto::random_string(32, crypto::k_base62),
            "whsec_" + crypto::random_string(40, crypto::k_base62)};
}

} // namespace linkledger::money
