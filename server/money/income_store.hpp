// SQL for income entries (money earned outside affiliate sales): one function per query, each
// taking the caller's connection.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::money {

struct income_entry {
    std::int64_t id = 0;
    std::string stream; // creator_rewards, live_gifts, subscriptions, brand_deals, own_products, other
    std::int64_t amount_minor = 0;
    std::string currency;
    std::string date; // YYYY-MM-DD
    std::optional<std::int64_t> video_id;
    std::string note;
    std::string created_at; // ISO 8601, UTC, to the second
};

struct new_income_entry {
    std::string stream;
    std::int64_t amount_minor = 0;
    std::string currency;
    std::string date; // as the client gave it (a date, or a time); PostgreSQL reads it
    std::optional<std::int64_t> video_id;
    std::string note;
};

// Newest first, `before_id` 0 starting at the newest; days in [from, to) when given.
struct income_filter {
    std::int64_t before_id = 0;
    int limit = 50;
    std::optional<std::string> from;
    std::optional<std::string> to;
};

// A date PostgreSQL cannot read throws pqxx::data_exception; an unknown video
// foreign_key_violation. A date written as an instant (with its offset: "2026-11-30T23:30:00Z")
// is the day that instant is in `zone` (the instance's), December 1 in Paris; a bare date, or a
// time without an offset, is the date it writes.
income_entry insert_income(pqxx::transaction_base& tx, new_income_entry const& e, std::string const& zone);
// A from or to PostgreSQL cannot read is a 400 naming it (db::check_time). Each is read as an
// entry's date is filed (insert_income): an instant is its day in `zone`.
std::vector<income_entry> list_income(pqxx::connection& conn, income_filter const& f, std::string const& zone);
// False when there was no such entry.
bool delete_income(pqxx::transaction_base& tx, std::int64_t id);

} // namespace linkledger::money
