// SQL for promo codes: one function per query, each taking the caller's connection.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::money {

struct promo_code {
    std::int64_t id = 0;
    std::string code; // as created; matched case-insensitively
    std::int64_t offer_id = 0;
    std::optional<std::int64_t> video_id;
    std::optional<std::int64_t> link_id;
    bool active = true;
    std::optional<std::string> valid_from; // ISO 8601, UTC, to the second
    std::optional<std::string> valid_until;
    std::string created_at;
};

struct new_promo_code {
    std::string code;
    std::int64_t offer_id = 0;
    std::optional<std::int64_t> video_id;
    std::optional<std::int64_t> link_id;
    std::optional<std::string> valid_from; // as the client gave them; PostgreSQL reads them
    std::optional<std::string> valid_until;
};

// Absent keeps a field; a value inside sets it, an empty one (null in the request) clears it.
// The code and its offer never change.
struct promo_code_changes {
    std::optional<std::optional<std::int64_t>> video_id;
    std::optional<std::optional<std::int64_t>> link_id;
    std::optional<std::optional<std::string>> valid_from;
    std::optional<std::optional<std::string>> valid_until;
    std::optional<bool> active;
};

// A time PostgreSQL cannot read is a 400 naming its field (db::check_time). Throws
// pqxx::unique_violation for a code taken in any case, foreign_key_violation for an unknown
// offer, video or link, check_violation for valid_until not after valid_from.
promo_code insert_promo_code(pqxx::transaction_base& tx, new_promo_code const& c);
std::optional<promo_code> find_promo_code(pqxx::connection& conn, std::int64_t id);
// Newest first; `before_id` 0 starts at the newest.
std::vector<promo_code> list_promo_codes(pqxx::connection& conn, std::int64_t before_id, int limit);
std::optional<promo_code> update_promo_code(pqxx::transaction_base& tx, std::int64_t id, promo_code_changes const& c);

} // namespace linkledger::money
