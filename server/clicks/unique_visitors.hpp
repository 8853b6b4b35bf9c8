// Which stored clicks are their visitor's first of the UTC day on a link. The markers in
// click_uniques (day, link, visitor hash) decide, shared by every node: whichever transaction
// inserts a marker first counts the visitor, so a visitor seen by two nodes counts once. A cache
// of the visitors this node counted spares asking again for each of their later clicks.
#pragma once

#include "clicks/click_store.hpp"

#include <pqxx/transaction_base>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

    // A visitor on a link on a day, in 32 bytes: the day's digits, the link and the first half
    // of the visitor hash (128 bits: a collision, which would miss one unique, is beyond reach).
    // The cache holds up to k_max_counted_visitors of them, so its memory is what bounds it.
    struct visitor {
        std::uint32_t day = 0; // YYYYMMDD
        std::int64_t link_id = 0;
        std::array<std::uint8_t, 16> hash{};
        bool operator==(visitor const&) const = default;
    };
    static_assert(sizeof(visitor) == 32);
    struct visitor_hasher {
        std::size_t operator()(visitor const& v) const noexcept;
    };
    // Nothing when `day` is not YYYY-MM-DD or `hash_hex` not at least 32 hex digits.
    static std::optional<visitor> make_visitor(std::string_view day, std::int64_t link_id,
                                               std::string_view hash_hex);

private:
    std::unordered_set<visitor, visitor_hasher> counted_;              // known to have a marker
    std::unordered_map<visitor, std::size_t, visitor_hasher> candidates_; // this batch's: -> position
    std::vector<std::string> days_, links_, hashes_;                   // the candidates, as insert arrays
    std::vector<visitor> pending_;                                     // marked by the transaction not yet committed
};

} // namespace linkledger::clicks
