// Money booked once per Idempotency-Key (http/idempotency_key): a client that retries a POST
// after a timeout, with the key it sent the first time, gets the first answer again
// (Idempotent-Replayed: true) and nothing is booked twice. Table idempotency_keys (0035).
// Invariants:
//   - A key's row is written in the transaction of its booking: both commit or neither, so a
//     crash between them leaves neither. A refused request (4xx) or a failure (5xx) rolls back
//     and keeps no row: nothing was booked, and the client may send it again, fixed, with the
//     same key (the draft asks a client to correct a refused request before retrying; Stripe
//     keeps nothing for a request that failed its checks either).
//   - Keys are the caller's (its API key, or the dashboard user): two callers' equal keys are
//     two keys.
//   - The same key with another request (method, target or body) is a 422 naming the header.
//   - While one request with a key is being booked, another with the same key is a 409 at
//     once (the draft's answer), rather than a database thread held waiting for the first;
//     the client retries and is answered with the first one's answer. Under the 409 stands the
//     table's primary key: even two bookings that both passed it could not both commit.
//   - A key lives 24 hours: an older row is never replayed, is taken over by the same key sent
//     again, and is deleted in the background (forget_expired_keys, at each tick of the late
//     click sweeper's thread, a bounded batch a tick): a booking never pays for deleting others'
//     keys, and a quiet server does not keep them.
//   - What is kept is at most k_max_kept_answer_bytes: an answer over it (an import of many
//     thousand rows) is given in full to the request that booked it, and kept as its summary
//     (answer_to_keep). A replay then books nothing either, and says what it left out.
#pragma once

#include "db/database.hpp"
#include "http/idempotency_key.hpp"
#include "http/router.hpp"

#include <boost/json/value.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace linkledger::money {

// What a booking answers.
struct booked {
    http::status status = http::status::ok;
    boost::json::value body;
};

// An answer longer than this is kept as its summary: a key's row stays small (an import of
// 100,000 rows answers some 10 MB, which 24 hours of retries would otherwise keep).
inline constexpr std::size_t k_max_kept_answer_bytes = 1024 * 1024;

// What is kept of `given` (whose body is `body` as text): itself when it fits, else the same
// status and a summary: the members of `body` (an object) that fit in 64 KiB together, taken in
// order, and "not_kept" naming the others and the answer's size.
http::kept_answer answer_to_keep(http::kept_answer const& given, boost::json::value const& body);

// Deletes at most `limit` keys past their 24 hours, skipping rows a booking holds; returns how
// many. When none has expired it only reads (a probe of the created_at index); it waits a second
// at most for a table lock, then fails, to be tried again at the next tick.
std::int64_t forget_expired_keys(pqxx::connection& conn, int limit);

// Runs `book(tx)` in a transaction of its own and commits it. With an Idempotency-Key: at
// most once per key and caller in 24 hours, as the invariants above say. Throws the 400 of a
// malformed key before anything runs.
http::net::awaitable<http::kept_answer> book_once(db::database& db, http::request_context const& ctx,
                                                  std::function<booked(pqxx::work&)> book);

} // namespace linkledger::money
