// The one way a sale enters the books, whichever door it came through (postback, shop
// webhook, CSV, by hand): idempotent on (offer, txid), attributed once, commission computed
// from the offer's rule. A repeat with the same facts changes nothing; a new status or amount
// updates the row (a rejected sale stops counting: reports sum every status but rejected).
#pragma once

#include "money/offer.hpp"

#include <boost/json/object.hpp>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>

namespace linkledger::money {

struct sale {
    std::string txid;
    std::int64_t amount_minor = 0;
    std::string currency; // empty: the offer's
    std::string status = "pending";
    std::optional<std::int64_t> reported_commission_minor;
    std::string click_id; // either may be empty
    std::string code;
    std::string occurred_at; // ISO 8601; empty: now
    std::string via;         // postback, shopify, woocommerce, csv, manual
};

struct sale_outcome {
    std::int64_t id = 0;
    std::string result; // created, updated, unchanged
    boost::json::object conversion;
};

struct attribution_settings {
    int model_hours = 72; // LINKLEDGER_ATTRIBUTION_HOURS
};

// Throws http_error 400 naming the field for a sale that cannot be booked as given.
sale_outcome record_sale(pqxx::transaction_base& tx, offer const& o, sale const& s,
                         attribution_settings const& settings);

// A status change on an existing conversion (refund, approval); nothing when there is none.
std::optional<sale_outcome> change_status(pqxx::transaction_base& tx, std::int64_t conversion_id,
                                          std::string const& status);

// The conversion as the API shows it.
boost::json::object load_conversion(pqxx::transaction_base& tx, std::int64_t id);

// SELECT list of a conversion, shared by the list endpoint.
extern char const* const k_conversion_columns;

} // namespace linkledger::money
