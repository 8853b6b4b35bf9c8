// The writer thread: ships journaled clicks to PostgreSQL in batches, and retries while
// PostgreSQL is away (the journal grows meanwhile); on the way out it drains what it can. Each
// batch is one transaction: its clicks (click_batch_store), their unique visitors
// (unique_visitors, keyed by visitor_salts), the rollups (click_rollup) and this node's
// checkpoint (journal_checkpoint), so a restart replays exactly what is missing and nothing
// counts twice. click_retention keeps the partitions and forgets what the retention says.
#pragma once

#include "clicks/click_batch_store.hpp"
#include "clicks/click_journal.hpp"
#include "clicks/click_retention.hpp"
#include "clicks/journal_binding.hpp"
#include "clicks/unique_visitors.hpp"
#include "clicks/user_agent_ids.hpp"
#include "clicks/visitor_salts.hpp"

#include <pqxx/connection>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace linkledger::clicks {

struct shipper_status {
    std::uint64_t backlog_clicks = 0;
    std::uint64_t backlog_bytes = 0;
    double lag_seconds = 0;       // age of the oldest click not yet in PostgreSQL
    bool database_up = false;
    std::uint64_t shipped = 0;    // by this process
    std::uint64_t skipped_bytes = 0;
    std::string last_error;
};

struct shipper_options {
    // A decoded batch is about 0.8 KB a click, and two are in memory when the shipper is
    // behind (one shipping, the next read ahead): 5,000 ships as fast as 10,000 did
    // (bench/ingest.sh, paired runs) with half the memory swing.
    std::size_t batch_size = 5000;
    unsigned retention_days = 395;
    std::chrono::milliseconds idle_poll{25};
    // The database the journal is bound to (journal_binding.hpp). When set, every connection is
    // checked first and nothing is shipped into another database (the shipper waits, reports
    // why, and retries), and the binding's shipped position is kept up to date. Unset: no check.
    std::optional<database_identity> database;
};

class click_shipper {
public:
    click_shipper(click_journal& journal, std::string database_url, std::string node_id,
                  shipper_options options = {});
    ~click_shipper();
    click_shipper(click_shipper const&) = delete;
    click_shipper& operator=(click_shipper const&) = delete;

    void start();
    // Stops the thread. With `drain`, first ships what the journal holds, as long as the
    // database answers and `deadline` has not passed.
    void stop(bool drain, std::chrono::seconds deadline);
    shipper_status status() const;

private:
    void run();
    void connect();
    void load_checkpoint();
    void count_initial_backlog();
    std::size_t ship(journal_batch const& batch);
    void ship_fast(journal_batch const& batch, click_batch_rows const& rows);
    void ship_deduplicated(journal_batch const& batch, click_batch_rows const& rows);
    void upkeep();
    // The batch at `position_`: the one read ahead if it starts there (a failed ship leaves the
    // position where it was, and the read-ahead is then of no use), else read now.
    journal_batch const& next_batch();
    void release_batch_memory();
    void start_prefetch(journal_position from);
    void record_failure(std::exception const& e);
    // Writes the binding's shipped position; `force` even when written less than a second ago.
    void save_binding_position(bool force);

    click_journal& journal_;
    std::string database_url_;
    std::string node_id_;
    shipper_options options_;

    std::unique_ptr<pqxx::connection> conn_;
    journal_position position_;
    // Two batches in turn, their clicks and buffers reused: while one is shipped, the other
    // may be read ahead (into ahead_, by prefetch_, destroyed first since declared after).
    journal_batch current_, ahead_;
    std::future<void> prefetch_;
    journal_position prefetch_from_;
    // Whether next_batch's last answer was the read-ahead: one made while redirects were still
    // being journaled, which an empty answer does not prove drained (a SIGTERM's last clicks).
    bool from_prefetch_ = false;
    bool position_loaded_ = false;
    visitor_salts salts_;
    user_agent_ids user_agents_;
    std::vector<std::string> days_, hashes_; // of the batch being shipped, reused
    unique_visitors uniques_;
    click_retention retention_;
    std::chrono::steady_clock::time_point next_upkeep_{};

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool draining_ = false;
    std::chrono::steady_clock::time_point drain_deadline_{};
    std::thread thread_;
    shipper_status status_;
    std::uint64_t initial_backlog_ = 0;
    std::uint64_t appended_at_start_ = 0;
    std::chrono::system_clock::time_point oldest_pending_{};
    std::chrono::steady_clock::time_point last_error_log_{};
    std::optional<journal_position> binding_saved_;            // shipper thread only
    std::chrono::steady_clock::time_point binding_saved_at_{}; // shipper thread only
};

} // namespace linkledger::clicks
