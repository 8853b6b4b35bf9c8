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

std::vector<bool> unique_visitors::mark_first_visits(pqxx::transaction_base& tx, std::span<click const> clicks,
                                                     std::span<std::string const> days,
                                                     std::span<std::string const> hashes)
{
    std::vector<bool> first(clicks.size(), false);
    pending_.clear();
    // The first click of each visitor not known to be counted: "day|link|hash" -> its position.
    std::unordered_map<std::string, std::size_t> candidates;
    std::vector<std::string> cand_days, cand_links, cand_hashes;
    for (std::size_t i = 0; i < clicks.size(); ++i) {
        auto const& c = clicks[i];
        if (c.bot || hashes[i].empty())
            continue;
        auto visitor = days[i] + '|' + std::to_string(c.link_id) + '|' + hashes[i];
        if (counted_.count(visitor) || candidates.count(visitor))
            continue;
        candidates.emplace(std::move(visitor), i);
        cand_days.push_back(days[i]);
        cand_links.push_back(std::to_string(c.link_id));
        cand_hashes.push_back(hashes[i]);
    }
    if (candidates.empty())
        return first;
    auto const fresh = tx.exec_params(k_insert_uniques, db::to_pg_array(cand_days),
                                      db::to_pg_array(cand_links), db::to_pg_array(cand_hashes));
    for (auto const& row : fresh) {
        auto const visitor = row[0].as<std::string>() + '|' + row[1].as<std::string>() + '|' + row[2].as<std::string>();
        if (auto const it = candidates.find(visitor); it != candidates.end())
            first[it->second] = true;
    }
    // Every candidate has a marker once `tx` commits: this node's, or one stored before.
    for (auto const& candidate : candidates)
        pending_.push_back(candidate.first);
    return first;
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
