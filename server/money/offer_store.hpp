// SQL for offers as the API manages them: one function per query, each taking the caller's
// connection. What sales are booked against (money::offer, with its secrets) is read by
// load_offer in offer.hpp; nothing here ever reads a secret back.
#pragma once

#include "money/offer.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::money {

// An offer as the API shows it: its terms and times, never its secrets.
struct offer_info : offer_terms {
    std::int64_t id = 0;
    std::string created_at; // ISO 8601, UTC, to the second
    std::string updated_at;
};

// Absent fields keep their value; a new commission replaces type, rate and amount together.
// The currency never changes.
struct offer_changes {
    std::optional<std::string> name;
    std::optional<commission_rule> commission;
    std::optional<std::int64_t> attribution_window_days;
    std::optional<bool> active;
    std::optional<std::string> commission_base;
    std::optional<bool> allow_commission_above_amount;
};

// The secrets to replace: only the SHA-256 of a postback token is stored.
struct offer_secret_changes {
    std::optional<std::string> postback_token;
    std::optional<std::string> webhook_secret;
};

offer_info insert_offer(pqxx::transaction_base& tx, offer_terms const& o, offer_secrets const& secrets);
std::optional<offer_info> find_offer(pqxx::connection& conn, std::int64_t id);
// Newest first; `before_id` 0 starts at the newest.
std::vector<offer_info> list_offers(pqxx::connection& conn, std::int64_t before_id, int limit);
std::optional<offer_info> update_offer(pqxx::transaction_base& tx, std::int64_t id, offer_changes const& c);
// The old secrets stop working when this commits; nothing when there is no such offer.
std::optional<offer_info> replace_offer_secrets(pqxx::transaction_base& tx, std::int64_t id,
                                                offer_secret_changes const& c);

} // namespace linkledger::money
