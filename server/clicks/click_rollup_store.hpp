// Adds a batch's rollup rows (click_rollup) to the four rollup tables, in the transaction that
// stores the batch's clicks: one statement per table, each row passed as arrays and unnested.
#pragma once

#include "clicks/click_rollup.hpp"

#include <pqxx/transaction_base>

namespace linkledger::clicks {

void add_to_rollups(pqxx::transaction_base& tx, click_rollups const& rollups);

} // namespace linkledger::clicks
