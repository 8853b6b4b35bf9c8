// Which stored clicks are their visitor's first of the UTC day on a link. The markers in
// click_uniques (day, link, visitor hash) decide, shared by every node: whichever transaction
// inserts a marker first counts the visitor, so a visitor seen by two nodes counts once. A cache
// of the visitors this node counted spares asking again for each of their later clicks.
#pragma once

#include "clicks/click_store.hpp"

#include <pqxx/transaction_base>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace linkledger::clicks {

// For one batch: start_batch(), consider() each stored click (in the COPY loop, say), mark() in
// the transaction that stores them, committed() once it has committed.
class unique_visitors {
public:
    // Forgets the candidates and markers of a batch whose transaction did not commit.
    void start_batch();
    // The click at `position` of what is being stored, on `day` (its utc_day) with its visitor
    // hash (empty for a bot): a candidate first visit unless a bot, or a visitor already
    // counted, or one seen earlier in the batch (the first click counts).
    void consider(std::size_t position, click const& c, std::string const& day, std::string const& hash);
    // Inserts the markers of the candidates in `tx` and returns the positions of the clicks
    // whose visitors are counted now.
    std::vector<std::size_t> mark(pqxx::transaction_base& tx);
    // `tx` has committed: its markers are stored, so their visitors are known from now on.
    void committed();

private:
    std::unordered_set<std::string> counted_;                   // "day|link|hash" known to have a marker
    std::unordered_map<std::string, std::size_t> candidates_;   // this batch's: visitor -> position
    std::vector<std::string> days_, links_, hashes_;            // the candidates, as insert arrays
    std::vector<std::string> pending_;                          // marked by the transaction not yet committed
};

} // namespace linkledger::clicks
