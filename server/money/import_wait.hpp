// A CSV import of more than k_max_import_sale_locks sales holds its offer's lock until it commits
// (order_lock.hpp), some seconds for a large file. A postback or a shop's delivery of that offer
// waits for it here, outside the database pool, asking every 100 ms: waiting inside its
// transaction, each held one of the pool's few connections, and three of them stopped every other
// request of the server until the import ended (a 20,000-row file: some 12 s).
#pragma once

#include "db/database.hpp"

#include <boost/asio/awaitable.hpp>
#include <pqxx/transaction_base>

#include <chrono>
#include <cstdint>
#include <type_traits>

namespace linkledger::money {

namespace net = boost::asio;

inline constexpr std::chrono::seconds k_longest_import_wait{180};

// Thrown by leave_if_an_import_holds_offer inside a door's transaction; run_beside_imports
// catches it outside the pool.
struct offer_held_by_import {};

// In a door's transaction, once its sender is known to be who it says (a token, a signature):
// takes the offer's lock shared when it is free, or leaves the transaction (and its connection)
// by throwing offer_held_by_import. Asked there rather than in a transaction of its own first, a
// request costs one transaction when no import runs, and one that is not signed is refused at
// once instead of waiting for the import with the others.
void leave_if_an_import_holds_offer(pqxx::transaction_base& tx, std::int64_t offer_id);

// The 503 database_busy a door answers when imports held its offer for k_longest_import_wait.
[[noreturn]] void throw_import_still_running();

// Returns once no import holds the offer's lock (it may take it again right after: the door's
// own transaction then waits for it, as before); throws http_error 503 database_busy at
// `deadline`.
net::awaitable<void> wait_for_offer_import(db::database& db, std::int64_t offer_id,
                                           std::chrono::steady_clock::time_point deadline);

// Runs the door's `work` on the pool; when it left because an import holds the offer, waits for
// the import outside the pool and runs it again, for k_longest_import_wait at most. `work` is
// taken by reference (it lives in the caller's frame): g++ 12 miscompiles coroutines whose
// parameters are lambdas (db/database.hpp).
template <class Work>
auto run_beside_imports(db::database& db, std::int64_t offer_id, Work& work)
    -> net::awaitable<std::invoke_result_t<Work&, pqxx::connection&>>
{
    auto const deadline = std::chrono::steady_clock::now() + k_longest_import_wait;
    while (true) {
        try {
            co_return co_await db.run(work);
        } catch (offer_held_by_import const&) {
        }
        // Imports one after another could take the lock between the wait's ask and the door's.
        if (std::chrono::steady_clock::now() >= deadline)
            throw_import_still_running();
        co_await wait_for_offer_import(db, offer_id, deadline);
    }
}

} // namespace linkledger::money
