#include "clicks/user_agent_ids.hpp"

#include "clicks/visitor_salts.hpp"
#include "db/pg_array.hpp"

#include <pqxx/pqxx>

#include <stdexcept>
#include <unordered_set>

namespace linkledger::clicks {
namespace {

// Every text comes back from RETURNING with the id of its live row: a conflict updates the
// row even when another node committed it after this statement's snapshot, or after
// retention deleted an older row of the same text (a SELECT of the snapshot would return that
// dead id). So each text is written once per node per day, refreshing last_seen. Inserted in
// one order on every node, so two nodes resolving the same texts wait for each other.
constexpr char const* k_resolve = R"sql(
WITH given AS (SELECT DISTINCT unnest($1::text[]) AS user_agent)
INSERT INTO user_agents (user_agent, last_seen)
SELECT user_agent, (now() AT TIME ZONE 'UTC')::date FROM given ORDER BY user_agent
ON CONFLICT (user_agent) DO UPDATE SET last_seen = GREATEST(user_agents.last_seen, excluded.last_seen)
RETURNING id, user_agent
)sql";

} // namespace

std::vector<std::int64_t> user_agent_ids::resolve(pqxx::connection& conn, std::span<click const> clicks,
                                                  std::chrono::system_clock::time_point now)
{
    // A new day starts the cache again: each text shipped today is asked for once, which moves
    // its last_seen to today (see click_retention).
    if (auto const today = utc_day(now); today != day_) {
        ids_.clear();
        day_ = today;
    }
    std::vector<std::int64_t> out(clicks.size(), -1);
    std::vector<std::string> missing;
    // One hash lookup per click at most: most clicks of a batch repeat the one before's text.
    auto const look_up = [&] {
        missing.clear();
        std::unordered_set<std::string_view> seen;
        std::string_view last;
        std::int64_t last_id = -1;
        for (std::size_t i = 0; i < clicks.size(); ++i) {
            std::string_view const text = clicks[i].user_agent;
            if (last_id >= 0 && text == last) {
                out[i] = last_id;
                continue;
            }
            auto const found = ids_.find(text);
            last = text;
            last_id = found == ids_.end() ? -1 : found->second;
            out[i] = last_id;
            if (last_id < 0 && seen.insert(text).second)
                missing.emplace_back(text);
        }
    };
    look_up();
    if (missing.empty())
        return out;
    if (ids_.size() + missing.size() > max_cached_) {
        ids_.clear();
        look_up();
    }
    for (int attempt = 0; attempt < 3 && !missing.empty(); ++attempt) {
        pqxx::result rows;
        try {
            pqxx::work tx(conn);
            rows = tx.exec_params(k_resolve, db::to_pg_array(missing));
            tx.commit();
        } catch (pqxx::deadlock_detected const&) {
            continue; // not expected (one order among nodes, retention skips locked rows): a new try
        } catch (pqxx::serialization_failure const&) {
            continue;
        }
        for (auto const& row : rows)
            ids_.insert_or_assign(row[1].as<std::string>(), row[0].as<std::int64_t>());
        std::erase_if(missing, [&](std::string const& text) { return ids_.contains(std::string_view(text)); });
    }
    if (!missing.empty())
        throw std::runtime_error("user_agents: no id for a User-Agent after three tries");
    for (std::size_t i = 0; i < clicks.size(); ++i)
        if (out[i] < 0)
            out[i] = ids_.find(std::string_view(clicks[i].user_agent))->second;
    return out;
}

} // namespace linkledger::clicks
