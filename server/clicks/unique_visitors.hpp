// Which stored clicks are their visitor's first of the UTC day on a link. The markers in
// click_uniques (day, link, visitor hash) decide, shared by every node: whichever transaction
// inserts a marker first counts the visitor, so a visitor seen by two nodes counts once. A cache
// of the visitors this node counted spares asking again for each of their later clicks.
#pragma once

#include "clicks/click_store.hpp"

#include <pqxx/transaction_base>

#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace linkledger::clicks {

class unique_visitors {
public:
    // In `tx`, which stores `clicks`: inserts the markers of their visitors not known yet and
    // returns, per click, whether it is the first click of a visitor counted now (at most one
    // click per visitor: the first in the batch). `days` and `hashes` go with `clicks` (utc_day,
    // visitor hash; empty for bots). Call committed() once `tx` has committed.
    std::vector<bool> mark_first_visits(pqxx::transaction_base& tx, std::span<click const> clicks,
                                        std::span<std::string const> days,
                                        std::span<std::string const> hashes);
    // The markers of the last mark_first_visits are stored: remember their visitors.
    void committed();

private:
    std::unordered_set<std::string> counted_; // "day|link|hash" known to have a marker
    std::vector<std::string> pending_;        // marked by the transaction not yet committed
};

} // namespace linkledger::clicks
