// Daily salts and the visitor hash they key. A unique click is counted by a keyed hash of
// (anonymised IP, User-Agent, link, day) with that day's random salt, shared by every node
// through daily_salts: without the salt, which click_retention forgets after the day, the hash
// cannot be recomputed from an address, and across days the same visitor hashes differently.
#pragma once

#include "clicks/click_store.hpp"
#include "crypto/hmac.hpp"

#include <pqxx/connection>

#include <chrono>
#include <map>
#include <string>

namespace linkledger::clicks {

// The UTC day of `at`, "YYYY-MM-DD": the day a salt, a visitor hash and a unique marker belong to.
std::string utc_day(std::chrono::system_clock::time_point at);

class visitor_salts {
public:
    // Hex of the keyed hash of the visitor behind `c` on `day` (its utc_day), into `hex`. The
    // day's salt is read, or made by the first node that needs it, in its own transaction on `conn`.
    void visitor_hash(pqxx::connection& conn, click const& c, std::string const& day, std::string& hex);

    // Drops the keys of the days before `day` (their salts are gone from the database too).
    void forget_before(std::string const& day);
    // Drops every key (a new connection may reach a database with other salts).
    void clear() { keys_.clear(); }

private:
    crypto::hmac_sha256& key_for(pqxx::connection& conn, std::string const& day);

    std::map<std::string, crypto::hmac_sha256> keys_; // day -> keyed with its salt
    std::string message_;                             // what is hashed, reused
};

} // namespace linkledger::clicks
