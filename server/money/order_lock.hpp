// One sale's money is written by one request at a time, whichever door it came through: a shop's
// order or refund delivery, a network's postback, a report row, a sale typed by hand. Each sums
// what the others committed (the shop's refunds, the booked sale) and writes the result; two at
// once each missed the other's work. A postback booking an order's first sale while the shop's
// refund of it was being recorded found no refund, the refund found no sale, and the sale stayed
// booked in full until the shop's next delivery.
#pragma once

#include <pqxx/transaction_base>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

namespace linkledger::money {

// Waits for, then holds until the transaction ends, the lock of the sale (offer, txid) (the txid
// as record_sale books it, canonical_txid), and its offer's lock shared. Each door takes it before
// its first read of the sale or its refunds, and takes no other lock before, so two doors never
// wait on each other in a circle; every statement after it sees what the previous holder committed
// (READ COMMITTED). Taken again in the same transaction (an order delivery booking its sale) it is
// already held.
void lock_sale(pqxx::transaction_base& tx, std::int64_t offer_id, std::string_view txid);

// The locks of the sales an import books (`txids` as the file writes them; each locked as
// record_sale books it, canonical_txid), taken at once before its first row: each sale's, in sorted order, so two imports of one offer
// never wait on each other in a circle while the offer's other sales stay free for its postbacks
// and deliveries. Past k_max_import_sale_locks sales (or a quarter of the server's lock table,
// when that is fewer), the offer's lock instead: one lock per sale
// holds one of PostgreSQL's lock slots until the import commits, and a file of some ten thousand
// rows ran it out of them ("out of shared memory", max_locks_per_transaction); the offer's
// deliveries, postbacks and sales by hand then wait for that import to end, as it waits for them.
inline constexpr std::size_t k_max_import_sale_locks = 1000;
void lock_import_sales(pqxx::transaction_base& tx, std::int64_t offer_id, std::vector<std::string_view> const& txids);

// Whether no import holds the offer's lock right now (tried, not waited for; released when the
// transaction ends): money/import_wait asks it.
bool no_import_holds_offer(pqxx::transaction_base& tx, std::int64_t offer_id);

} // namespace linkledger::money
