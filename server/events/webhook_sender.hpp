// Delivers the outbox: claims due deliveries, posts them (webhook_client) and writes each
// attempt's outcome, on threads of its own so the server's I/O threads never wait for a
// receiver or for this SQL:
//  - a dispatcher thread with its own PostgreSQL connection claims due deliveries ahead of
//    its free slots (up to 8 x `max_in_flight` held, in flight or queued here), starts them
//    from that queue as slots free (at most `max_in_flight`, 8, exchanges at once: at most 8
//    receivers are being talked to at once by one instance), and writes results in batches
//    in the transaction of the next claim (successes in one statement); when deliveries fall
//    due at a steady pace it claims at most every 100 ms, so one commit serves dozens
//    of them rather than one. It prunes rows older than 30 days every hour and reads the
//    queue's depth for metrics. An endpoint gets one slot, twice as many after each success up
//    to all 8 (and only then a queue claimed ahead), and one again after any failure, which
//    also gives its queue back: a receiver that hangs, trickles or floods ties up one slot for
//    one timeout, and the others keep being delivered meanwhile. A queued delivery is started
//    only while its lease has more than a timeout left, so no other instance can claim it
//    while it is under way;
//  - a listener thread LISTENs on linkledger_webhooks (the outbox trigger notifies at commit)
//    so a new event goes out at once rather than at the next poll (every second);
//  - one io_context thread runs the HTTP exchanges as coroutines, and keeps the connections
//    to receivers open between them (webhook_client, connection_pool: at most 8, 30 s idle).
// Retries follow retry_schedule; 410 disables the endpoint, so do `failure_limit` (20) failed
// attempts in a row. stop() claims nothing more, gives back what it claimed ahead (due again
// at once, its attempt not counted) and waits for the exchanges under way (each ends by its
// deadline) so their outcomes are written: a restart neither loses a delivery nor sends one
// twice, nor waits for a lease.
#pragma once

#include "events/outbox.hpp"
#include "events/retry_schedule.hpp"
#include "events/webhook_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace linkledger::metrics {
class prometheus_text;
}

namespace linkledger::events {

struct sender_settings {
    std::string public_url;
    bool allow_private = false; // LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1
    std::chrono::milliseconds timeout{10'000}; // LINKLEDGER_WEBHOOK_TIMEOUT_MS
    int max_in_flight = 8;
    retry_schedule schedule;     // LINKLEDGER_WEBHOOK_RETRY_SCHEDULE
    int failure_limit = 20;
    std::chrono::seconds lease{60}; // longer than the timeout, so a live sender's claim never lapses
    int retention_days = 30;
    std::chrono::milliseconds poll{1000};
    bool idle_priority = false; // LINKLEDGER_WEBHOOK_PRIORITY=idle (SCHED_IDLE threads)
};

// The settings from the environment (LINKLEDGER_WEBHOOK_ALLOW_PRIVATE,
// LINKLEDGER_WEBHOOK_RETRY_SCHEDULE, LINKLEDGER_WEBHOOK_TIMEOUT_MS); throws
// std::invalid_argument naming a bad one.
sender_settings sender_settings_from_environment(std::string public_url);

class webhook_sender {
public:
    webhook_sender(std::string database_url, sender_settings settings);
    ~webhook_sender();
    webhook_sender(webhook_sender const&) = delete;
    webhook_sender& operator=(webhook_sender const&) = delete;

    void start();
    void stop();

    // webhook_deliveries_total{outcome}, queue depth, oldest pending age, in flight.
    void render_metrics(metrics::prometheus_text& out) const;

    bool allow_private() const { return settings_.allow_private; }

private:
    struct finished {
        claimed_delivery delivery;
        post_result result;
    };

    struct written {
        std::optional<std::chrono::milliseconds> retry_in;
        bool gone = false;
        std::optional<std::string> disabled;
    };
    // Per endpoint, on the dispatcher thread only.
    struct endpoint_pace {
        int in_flight = 0;
        int queued = 0;
        int slots = 1;
        std::chrono::milliseconds latency{0}; // of its recent exchanges (a moving average)
    };
    // Claimed ahead of a free slot; on the dispatcher thread only.
    struct held {
        claimed_delivery delivery;
        std::chrono::steady_clock::time_point claimed_at;
    };

    static bool succeeded(post_result const& r);
    void dispatch_loop();
    void listen_loop();
    void pace(finished const& f);
    endpoint_slots claim_allowance() const;
    int held_limit() const;
    int held_limit(endpoint_pace const& p) const;
    std::chrono::steady_clock::duration queue_max_age() const;
    void start_queued(std::chrono::steady_clock::time_point now);
    void give_back(std::int64_t endpoint_id);
    std::deque<held>::iterator hand_back(std::deque<held>::iterator it);
    std::vector<written> record(pqxx::transaction_base& tx, std::deque<finished> const& batch);
    void account(std::deque<finished> const& batch, std::vector<written> const& outcomes);
    void begin(claimed_delivery d);
    boost::asio::awaitable<void> exchange(claimed_delivery d, std::string body,
                                          std::vector<std::pair<std::string, std::string>> headers);
    void wake();

    std::string database_url_;
    sender_settings settings_;
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    webhook_client client_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<finished> finished_;
    bool woken_ = false;
    int in_flight_ = 0;
    std::atomic<bool> stopping_{false};

    std::unordered_map<std::int64_t, endpoint_pace> pace_;
    std::deque<held> queue_;
    std::vector<claimed_delivery> to_release_;

    std::thread io_thread_;
    std::thread dispatcher_;
    std::thread listener_;

    // Metrics.
    std::atomic<std::uint64_t> succeeded_{0}, failed_http_{0}, failed_network_{0}, refused_{0};
    std::atomic<std::uint64_t> gave_up_{0}, disabled_{0};
    std::atomic<std::int64_t> pending_{0};
    std::atomic<double> oldest_pending_seconds_{0};
    std::atomic<int> in_flight_gauge_{0};
};

} // namespace linkledger::events
