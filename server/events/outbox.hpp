// The sender's side of the outbox (migrations/0011_webhooks.sql): claiming due deliveries,
// writing each attempt's outcome, pruning, and the queue's size for metrics.
//
// Invariants:
//  - A claim takes due deliveries of active endpoints with FOR UPDATE SKIP LOCKED and, in the
//    same statement, moves them a lease ahead and counts the attempt: two instances (or two
//    claims of one) never hold the same delivery, and a delivery whose sender died is due
//    again when its lease is over (it is then sent again with the same webhook-id: at least
//    once, as the spec expects receivers to handle).
//  - A result is written only by the claim it belongs to (`claims` matches): a late result
//    of an expired lease changes nothing.
#pragma once

#include "events/webhook_formats.hpp"

#include <pqxx/connection>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace linkledger::events {

struct claimed_delivery {
    std::int64_t id = 0;
    std::int64_t endpoint_id = 0;
    std::int64_t claim = 0; // the claim this attempt belongs to
    int attempt = 0;        // 1 for the first
    std::string message_id; // webhook-id
    std::string url;
    std::string format;
    std::vector<std::string> secrets; // the current one first, then one in its overlap
    std::string language;             // the instance's, for the human formats
    outgoing_event event;
};

struct attempt_outcome {
    std::optional<int> response_code; // none: no HTTP answer (refused, timeout, network)
    std::int64_t latency_ms = 0;
    std::string response_head;        // the first 1 KB of the answer
    std::string error;                // why there was no answer
    bool success = false;             // 2xx
};

// The sender's statements, prepared once per connection (claim_due and record_attempt run
// them several hundred times a second under load).
void prepare_outbox(pqxx::connection& conn);

// How many more deliveries each endpoint may have in flight: those listed, and `otherwise`
// for any other.
struct endpoint_slots {
    std::vector<std::pair<std::int64_t, int>> free_by_endpoint;
    int otherwise = 1;
};

// At most `limit` due deliveries, each leased for `lease`, none beyond an endpoint's free
// slots. Takes effect when `tx` commits.
std::vector<claimed_delivery> claim_due(pqxx::transaction_base& tx, int limit, std::chrono::seconds lease,
                                        endpoint_slots const& slots);

// Locks the endpoints whose deliveries the transaction is about to write, in id order, before
// any delivery row. Deleting an endpoint locks it and then (by cascade) its deliveries: a
// writer that took a delivery first and its endpoint after could deadlock with it (PostgreSQL
// then aborts one of the two, and a DELETE /api/v1/webhooks/{id} answered 500). NO KEY
// UPDATE, so new events' deliveries (whose foreign key takes KEY SHARE) are not held up.
void lock_endpoints(pqxx::transaction_base& tx, std::vector<std::int64_t> endpoint_ids);

// Writes one attempt: the delivery succeeded, is due again after `retry_in`, or (no retry_in)
// has failed for good. On failure the endpoint's count of failures in a row goes up and it is
// disabled at `failure_limit`, or at once when `gone` (410). Returns the endpoint's
// disabled_reason when this attempt disabled it; nothing when the claim was stale.
std::optional<std::string> record_attempt(pqxx::transaction_base& tx, claimed_delivery const& d,
                                          attempt_outcome const& o,
                                          std::optional<std::chrono::milliseconds> retry_in, bool gone,
                                          int failure_limit);

// Writes attempts that succeeded, all in one statement (the sender's common case under load:
// one round trip instead of three per delivery): each delivery is succeeded, its attempt is
// recorded and its endpoint's count of failures in a row is reset. A stale claim changes
// nothing, as in record_attempt.
struct succeeded_attempt {
    claimed_delivery const* delivery = nullptr;
    attempt_outcome const* outcome = nullptr;
};
void record_successes(pqxx::transaction_base& tx, std::vector<succeeded_attempt> const& attempts);

// Gives claimed deliveries back unsent: each is due at once, its attempt not counted, so
// another claim (this instance's or another's) takes it without waiting for the lease. A
// delivery whose claim is no longer the latest is left alone.
void release(pqxx::transaction_base& tx, std::vector<claimed_delivery> const& deliveries);

// Deliveries (and their attempts) created more than `days` ago, and events left without any.
std::int64_t prune(pqxx::connection& conn, int days);

struct queue_stats {
    std::int64_t pending = 0;        // deliveries of active endpoints not yet done
    double oldest_pending_seconds = 0;
    std::int64_t disabled_endpoints = 0;
};
queue_stats read_queue_stats(pqxx::connection& conn);

} // namespace linkledger::events
