// API keys: `ll_<prefix>_<secret>`. The prefix finds the row; only the key's SHA-256 is
// stored, and it is compared in constant time.
#pragma once

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::auth {

struct new_api_key {
    std::int64_t id = 0;
    std::string key; // the only time the plaintext exists; shown once
};

// The prefix part of a well-formed key, or nothing.
std::optional<std::string_view> api_key_prefix(std::string_view key);

new_api_key create_api_key(pqxx::transaction_base& tx, std::string const& name);

struct api_key_info {
    std::int64_t id = 0;
    std::string name;
    std::string prefix; // shown so a user can tell keys apart; the secret is never kept
    std::string created_at;
    std::string last_used_at; // empty when never used
};

std::vector<api_key_info> list_api_keys(pqxx::connection& conn);
// False when there is no such active key.
bool revoke_api_key(pqxx::transaction_base& tx, std::int64_t id);

// The id of the active key `presented` matches, or nothing.
std::optional<std::int64_t> verify_api_key(pqxx::connection& conn, std::string_view presented);

} // namespace linkledger::auth
