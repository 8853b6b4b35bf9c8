#include "clicks/unique_visitors.hpp"

#include "db/pg_array.hpp"

#include <pqxx/pqxx>

#include <unordered_map>

namespace linkledger::clicks {
namespace {

constexpr char const* k_insert_uniques = R"sql(
INSERT INTO click_uniques (day, link_id, visitor_hash)
SELECT d, l, decode(h, 'hex')
FROM unnest($1::date[], $2::bigint[], $3::text[]) AS v(d, l, h)
ON CONFLICT DO NOTHING
RETURNING to_char(day, 'YYYY-MM-DD'), link_id, encode(visitor_hash, 'hex')
)sql";

// Bounds the cache; when cleared, a visitor's later clicks only cost a marker insert that
// returns nothing.
constexpr std::size_t k_max_counted_visitors = 500000;

} // namespace

void unique_visitors::start_batch()
{
    candidates_.clear();
    days_.clear();
    links_.clear();
    hashes_.clear();
    pending_.clear();
}

void unique_visitors::consider(std::size_t position, click const& c, std::string const& day, std::string const& hash)
{
    if (c.bot || hash.empty())
        return;
    auto visitor = day + '|' + std::to_string(c.link_id) + '|' + hash;
    if (counted_.count(visitor) || candidates_.count(visitor))
        return;
    candidates_.emplace(std::move(visitor), position);
    days_.push_back(day);
    links_.push_back(std::to_string(c.link_id));
    hashes_.push_back(hash);
}

std::vector<std::size_t> unique_visitors::mark(pqxx::transaction_base& tx)
{
    std::vector<std::size_t> first_visits;
    if (!candidates_.empty()) {
        auto const fresh = tx.exec_params(k_insert_uniques, db::to_pg_array(days_), db::to_pg_array(links_),
                                          db::to_pg_array(hashes_));
        for (auto const& row : fresh) {
            auto const visitor = row[0].as<std::string>() + '|' + row[1].as<std::string>() + '|' + row[2].as<std::string>();
            if (auto const it = candidates_.find(visitor); it != candidates_.end())
                first_visits.push_back(it->second);
        }
    }
    // Every candidate has a marker once `tx` commits: this node's, or one stored before.
    for (auto& candidate : candidates_)
        pending_.push_back(candidate.first);
    return first_visits;
}

void unique_visitors::committed()
{
    // Remembered only once committed; a visitor marked by another node was simply not
    // returned by the insert and counts once, there.
    if (counted_.size() > k_max_counted_visitors)
        counted_.clear();
    for (auto& visitor : pending_)
        counted_.insert(std::move(visitor));
    pending_.clear();
}

} // namespace linkledger::clicks
