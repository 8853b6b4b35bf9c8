// Where this node's journal has been shipped up to, kept in PostgreSQL (journal_checkpoints) and
// advanced in the transaction that stores the batch, so a restart replays exactly what is
// missing: a batch and its checkpoint commit together or not at all.
#pragma once

#include "clicks/click_journal.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>

namespace linkledger::clicks {

// Nothing when this node has never shipped into this database: start from the journal's beginning.
std::optional<journal_position> load_checkpoint(pqxx::connection& conn, std::string const& node_id);

// Moves the checkpoint to `next` and adds `shipped` to the node's count.
void save_checkpoint(pqxx::transaction_base& tx, std::string const& node_id, journal_position next,
                     std::uint64_t shipped);

} // namespace linkledger::clicks
