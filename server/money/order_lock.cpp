#include "money/order_lock.hpp"

#include "clicks/text_sanitizer.hpp"
#include "money/sale_checks.hpp"
#include "money/sale_recorder.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <optional>
#include <set>

namespace linkledger::money {
namespace {

// The offer's lock in the two-integer key space (apart from the sales' one-bigint keys), under a
// class of its own (login_throttle has 1280).
constexpr char const* k_lock_offer_shared = "SELECT pg_advisory_xact_lock_shared(1281, hashtext($1::text))";
constexpr char const* k_lock_offer = "SELECT pg_advisory_xact_lock(1281, hashtext($1::text))";
constexpr char const* k_try_offer_shared = "SELECT pg_try_advisory_xact_lock_shared(1281, hashtext($1::text))";
constexpr char const* k_lock_sale = "SELECT pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2, 0))";

// The sale's key as record_sale books it; none for a txid no sale can have (record_sale refuses
// it): PostgreSQL would refuse a text parameter that is not UTF-8, and the refusal must name the
// txid, not be a 500.
std::optional<std::string> lock_key(std::string_view txid)
{
    auto key = canonical_txid(txid);
    if (key.empty() || key.size() > k_max_txid_bytes || !clicks::is_clean_text(key))
        return std::nullopt;
    return key;
}

} // namespace

void lock_sale(pqxx::transaction_base& tx, std::int64_t offer_id, std::string_view txid)
{
    auto const key = lock_key(txid);
    if (!key)
        return;
    // The offer's first, as an import takes it: then the sale's.
    tx.exec_params(k_lock_offer_shared, offer_id);
    tx.exec_params(k_lock_sale, offer_id, *key);
}

void lock_import_sales(pqxx::transaction_base& tx, std::int64_t offer_id, std::vector<std::string_view> const& txids)
{
    std::set<std::string> keys;
    for (auto const txid : txids)
        if (auto key = lock_key(txid))
            keys.insert(std::move(*key));
    // A quarter of the server's lock table at most (max_locks_per_transaction x max_connections
    // slots, shared by every session): a server set up with few connections has fewer.
    auto const slots = tx.exec("SELECT current_setting('max_locks_per_transaction')::bigint * "
                               "current_setting('max_connections')::bigint")[0][0]
                           .as<std::size_t>();
    if (keys.size() > std::min(k_max_import_sale_locks, slots / 4)) {
        tx.exec_params(k_lock_offer, offer_id);
        return;
    }
    tx.exec_params(k_lock_offer_shared, offer_id);
    for (auto const& key : keys)
        tx.exec_params(k_lock_sale, offer_id, key);
}

bool no_import_holds_offer(pqxx::transaction_base& tx, std::int64_t offer_id)
{
    return tx.exec_params1(k_try_offer_shared, offer_id)[0].as<bool>();
}

} // namespace linkledger::money
