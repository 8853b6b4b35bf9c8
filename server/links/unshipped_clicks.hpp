// After a restart, the clicks this node redirected but had not shipped are in no count that
// PostgreSQL holds: a link's click budget (max_clicks) would let that many more visitors through
// until the shipper and the next full reload caught up (up to a minute later).
#pragma once

#include "clicks/click_journal.hpp"
#include "links/redirect_table.hpp"

#include <pqxx/connection>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace linkledger::links {

// Human clicks per link in the journal from `checkpoint` to its end. Nothing without a
// checkpoint: the journal is then read from its beginning and may hold clicks already stored.
std::unordered_map<std::int64_t, std::int64_t> unshipped_human_clicks(clicks::click_journal const& journal,
                                                                      std::optional<clicks::journal_position> checkpoint);

// Gives `table` this node's unshipped human clicks, when any link has a click budget (the
// journal is read only then). Call before the table's first load and before the shipper starts.
void count_unshipped_clicks(redirect_table& table, pqxx::connection& conn, clicks::click_journal const& journal,
                            std::string const& node_id);

} // namespace linkledger::links
