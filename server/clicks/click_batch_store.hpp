// Stores a batch of journaled clicks in the clicks table, by COPY (db::copy_writer) with rows
// formatted here, once, for both ways in:
//   store_clicks: the usual path, straight into the month's partition. A click stored already
//     makes the COPY fail (unique_violation) and the caller's transaction roll back whole.
//   store_missing_clicks: the replay path, for a batch some of whose clicks are stored already
//     (a checkpoint lost with its database, a restored backup): COPY into a temporary table, then
//     INSERT ... ON CONFLICT DO NOTHING RETURNING, so only the missing ones go in, and the caller
//     learns which, to count them and nothing else.
#pragma once

#include "clicks/click_store.hpp"

#include <pqxx/transaction_base>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace linkledger::clicks {

struct click_batch_rows {
    std::span<click const> clicks;
    std::span<std::string const> days;   // utc_day of each click
    std::span<std::string const> hashes; // hex visitor hash of each click; empty for bots
    std::span<std::int64_t const> user_agents; // user_agents.id of each click's User-Agent
    std::string const& node_id;
};

// `after_row(i)` runs once row i is written to the COPY (sent in chunks of about 64 KiB): the
// caller's own work on a click overlaps PostgreSQL reading the chunks before it, instead of
// waiting for the whole COPY.
void store_clicks(pqxx::transaction_base& tx, click_batch_rows const& batch,
                  std::function<void(std::size_t)> const& after_row);

// The positions in `batch.clicks` of the clicks stored now, in no particular order.
std::vector<std::size_t> store_missing_clicks(pqxx::transaction_base& tx, click_batch_rows const& batch);

// Appends "YYYY-MM-DD HH:MM:SS.ffffff+00", as COPY reads a timestamptz.
void append_copy_timestamp(std::string& out, std::chrono::system_clock::time_point at);

} // namespace linkledger::clicks
