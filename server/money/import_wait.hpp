// A CSV import of more than k_max_import_sale_locks sales holds its offer's lock until it commits
// (order_lock.hpp), some seconds for a large file. A postback or a shop's delivery of that offer
// waits for it here, outside the database pool, asking every 100 ms: waiting inside its
// transaction, each held one of the pool's few connections, and three of them stopped every other
// request of the server until the import ended (a 20,000-row file: some 12 s).
#pragma once

#include "db/database.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>

namespace linkledger::money {

namespace net = boost::asio;

inline constexpr std::chrono::seconds k_longest_import_wait{180};

// Returns once no import holds the offer's lock (it may take it again right after: the door's
// own transaction then waits for it, as before); throws http_error 503 database_busy after
// k_longest_import_wait.
net::awaitable<void> wait_for_offer_import(db::database& db, std::int64_t offer_id);

} // namespace linkledger::money
