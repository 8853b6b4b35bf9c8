// The ids of User-Agents in user_agents (migration 0019): a shipped click row carries its
// User-Agent's id, not its text. The ids a node has used are kept in memory, so a batch asks
// PostgreSQL only about User-Agents it has not seen today since it connected.
#pragma once

#include "clicks/click_store.hpp"

#include <pqxx/connection>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace linkledger::clicks {

class user_agent_ids {
public:
    // Past `max_cached` ids the cache starts again: a node that sees an endless variety (a
    // scanner making up User-Agents) keeps bounded memory, at one query per batch for a while.
    explicit user_agent_ids(std::size_t max_cached = 50'000) : max_cached_(max_cached) {}

    // The id of each click's User-Agent, in order; new ones are inserted, in a transaction of
    // their own on `conn`, committed before the ids are used: a batch that fails after this
    // leaves only rows that a later batch will want anyway.
    // `now` decides the UTC day the cache belongs to.
    std::vector<std::int64_t> resolve(pqxx::connection& conn, std::span<click const> clicks,
                                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    // Forgets every id (a new connection may reach a database restored from a backup).
    void clear() { ids_.clear(); }

private:
    struct hasher {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::size_t max_cached_;
    std::string day_; // the UTC day the cache was started
    std::unordered_map<std::string, std::int64_t, hasher, std::equal_to<>> ids_;
};

} // namespace linkledger::clicks
