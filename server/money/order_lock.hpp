// One sale's money is written by one request at a time, whichever door it came through: a shop's
// order or refund delivery, a network's postback, a report row, a sale typed by hand. Each sums
// what the others committed (the shop's refunds, the booked sale) and writes the result; two at
// once each missed the other's work. A postback booking an order's first sale while the shop's
// refund of it was being recorded found no refund, the refund found no sale, and the sale stayed
// booked in full until the shop's next delivery.
#pragma once

#include <pqxx/transaction_base>

#include <cstdint>
#include <string_view>

namespace linkledger::money {

// Waits for, then holds until the transaction ends, the lock of the sale (offer, txid) (the txid
// as record_sale books it, canonical_txid), and its offer's lock shared. Each door takes it before
// its first read of the sale or its refunds, and takes no other lock before, so two doors never
// wait on each other in a circle; every statement after it sees what the previous holder committed
// (READ COMMITTED). Taken again in the same transaction (an order delivery booking its sale) it is
// already held.
void lock_sale(pqxx::transaction_base& tx, std::int64_t offer_id, std::string_view txid);

// The lock of every sale of the offer at once, for an import: one lock per sale would hold one of
// PostgreSQL's lock slots per row until the import commits, and a file of some ten thousand rows
// ran it out of them ("out of shared memory", max_locks_per_transaction). The offer's deliveries,
// postbacks and sales by hand wait for the import to end, as the import for them.
void lock_offer_sales(pqxx::transaction_base& tx, std::int64_t offer_id);

} // namespace linkledger::money
