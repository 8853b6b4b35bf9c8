#include "clicks/click_shipper.hpp"

#include "clicks/click_batch_store.hpp"
#include "clicks/click_rollup.hpp"
#include "clicks/click_rollup_store.hpp"
#include "clicks/journal_checkpoint.hpp"
#include "logging/logging.hpp"
#include "logging/thread_name.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <set>

namespace linkledger::clicks {
namespace {

// The end of a batch's transaction, whichever way its clicks went in: the sales that waited
// for one of these clicks (migration 0016), the unique clicks the markers say, the rollups,
// the checkpoint; then the commit.
void count_and_commit(pqxx::work& tx, click_rollup& rollup, unique_visitors& uniques, std::string const& node_id,
                      journal_batch const& batch)
{
    tx.exec("SELECT linkledger_attribute_stored_clicks()");
    for (auto const position : uniques.mark(tx))
        rollup.add_first_visit(position);
    add_to_rollups(tx, rollup.rows());
    save_checkpoint(tx, node_id, batch.next, batch.clicks.size());
    tx.commit();
    uniques.committed();
}

} // namespace

click_shipper::click_shipper(click_journal& journal, std::string database_url, std::string node_id,
                             shipper_options options)
    : journal_(journal), database_url_(std::move(database_url)), node_id_(std::move(node_id)),
      options_(options), retention_(options.retention_days)
{
}

click_shipper::~click_shipper()
{
    stop(false, std::chrono::seconds(0));
}

void click_shipper::start()
{
    thread_ = std::thread([this] {
        logging::name_this_thread("ll-shipper");
        run();
    });
}

void click_shipper::stop(bool drain, std::chrono::seconds deadline)
{
    {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable())
            return;
        stopping_ = true;
        draining_ = drain;
        drain_deadline_ = std::chrono::steady_clock::now() + deadline;
    }
    wake_.notify_all();
    thread_.join();
}

shipper_status click_shipper::status() const
{
    std::lock_guard lock(mutex_);
    auto s = status_;
    auto const appended = journal_.appended() - appended_at_start_;
    auto const owed = initial_backlog_ + appended;
    s.backlog_clicks = owed > s.shipped ? owed - s.shipped : 0;
    s.backlog_bytes = position_loaded_ ? journal_.bytes_after(position_) : 0;
    if (s.backlog_clicks > 0 && oldest_pending_.time_since_epoch().count() != 0)
        s.lag_seconds = std::max(0.0, std::chrono::duration<double>(std::chrono::system_clock::now() -
                                                                   oldest_pending_).count());
    return s;
}

void click_shipper::connect()
{
    if (conn_ && conn_->is_open())
        return;
    conn_.reset();
    auto conn = std::make_unique<pqxx::connection>(database_url_);
    if (options_.database) {
        // Checked on every connection, not only at start: the address may lead to another
        // cluster after an outage (a re-initialised volume, a DNS change, a failover).
        auto const reached = read_database_identity(*conn);
        if (reached != *options_.database)
            throw journal_binding_mismatch(
                "the database reached is " + reached.text() + ", but the click journal belongs to " +
                options_.database->text() + ": nothing is shipped until LINKLEDGER_DATABASE_URL reaches " +
                options_.database->text() + " again (restart to re-check the journal against it)");
    }
    conn_ = std::move(conn);
    salts_.clear();
    user_agents_.clear();
    retention_.forget_partitions();
}

void click_shipper::load_checkpoint()
{
    auto const checkpoint = clicks::load_checkpoint(*conn_, node_id_);
    std::lock_guard lock(mutex_);
    if (checkpoint)
        position_ = *checkpoint;
    position_loaded_ = true;
}

void click_shipper::count_initial_backlog()
{
    auto const appended_before = journal_.appended();
    auto const pending = journal_.count(position_);
    std::lock_guard lock(mutex_);
    // Clicks appended while counting are in both numbers; counting them twice would only
    // overstate the backlog by a few, never hide one.
    initial_backlog_ = pending > appended_before ? pending - appended_before : 0;
    appended_at_start_ = 0;
    logging::info("click shipper: node={node} checkpoint segment={segment} offset={offset} backlog={backlog}",
                  {{"node", node_id_}, {"segment", position_.segment}, {"offset", position_.offset}, {"backlog", pending}});
}

void click_shipper::upkeep()
{
    auto const now = std::chrono::system_clock::now();
    retention_.upkeep(*conn_, now);
    salts_.forget_before(utc_day(now - std::chrono::days(1)));
    next_upkeep_ = std::chrono::steady_clock::now() + std::chrono::hours(1);
}

std::size_t click_shipper::ship(journal_batch const& batch)
{
    std::set<std::string> months;
    days_.resize(batch.clicks.size());
    hashes_.resize(batch.clicks.size());
    for (std::size_t i = 0; i < batch.clicks.size(); ++i) {
        days_[i] = utc_day(batch.clicks[i].at);
        if (i == 0 || days_[i] != days_[i - 1])
            months.insert(days_[i].substr(0, 8) + "01");
    }
    retention_.ensure_partitions(*conn_, months);
    for (std::size_t i = 0; i < batch.clicks.size(); ++i) {
        if (batch.clicks[i].bot)
            hashes_[i].clear();
        else
            salts_.visitor_hash(*conn_, batch.clicks[i], days_[i], hashes_[i]);
    }
    auto const user_agents = user_agents_.resolve(*conn_, batch.clicks);

    try {
        ship_fast(batch, {batch.clicks, days_, hashes_, user_agents, node_id_});
    } catch (pqxx::sql_error const& e) {
        if (e.sqlstate() != "23505")
            throw;
        // Some of these clicks are stored already: insert only the missing ones.
        logging::warn("click shipper: batch at segment {segment} offset {offset} partly stored already; deduplicating",
                      {{"segment", batch.next.segment}, {"offset", batch.next.offset}});
        ship_deduplicated(batch, {batch.clicks, days_, hashes_, user_agents, node_id_});
    }
    return batch.clicks.size();
}

void click_shipper::ship_fast(journal_batch const& batch, click_batch_rows const& rows)
{
    // The usual path: every click of the batch goes in, or none (a duplicate click id fails the
    // COPY and rolls the whole transaction back, so nothing is half-counted). Each click is
    // counted while PostgreSQL reads the COPY's earlier chunks.
    pqxx::work tx(*conn_);
    click_rollup rollup;
    uniques_.start_batch();
    store_clicks(tx, rows, [&](std::size_t i) {
        rollup.add(batch.clicks[i]);
        uniques_.consider(i, batch.clicks[i], rows.days[i], rows.hashes[i]);
    });
    count_and_commit(tx, rollup, uniques_, node_id_, batch);
}

void click_shipper::ship_deduplicated(journal_batch const& batch, click_batch_rows const& rows)
{
    // The replay path: only the clicks stored now are counted, by the same rule as above.
    pqxx::work tx(*conn_);
    auto stored = store_missing_clicks(tx, rows);
    std::sort(stored.begin(), stored.end()); // journal order: a visitor's first click first
    click_rollup rollup;
    uniques_.start_batch();
    for (std::size_t k = 0; k < stored.size(); ++k) {
        auto const i = stored[k];
        rollup.add(batch.clicks[i]);
        uniques_.consider(k, batch.clicks[i], rows.days[i], rows.hashes[i]);
    }
    count_and_commit(tx, rollup, uniques_, node_id_, batch);
}

journal_batch const& click_shipper::next_batch()
{
    from_prefetch_ = false;
    if (prefetch_.valid()) {
        prefetch_.get();
        if (prefetch_from_ == position_) {
            std::swap(current_, ahead_);
            from_prefetch_ = true;
            return current_;
        }
    }
    journal_.read_into(position_, options_.batch_size, current_);
    return current_;
}

void click_shipper::start_prefetch(journal_position from)
{
    prefetch_from_ = from;
    prefetch_ = std::async(std::launch::async,
                           [this, from] { journal_.read_into(from, options_.batch_size, ahead_); });
}

void click_shipper::release_batch_memory()
{
    // Kept while clicks flow, so each batch reuses the last one's; given back once nothing is
    // left to ship, so a backlog's megabytes do not stay with an idle server. Small ones stay:
    // a trickle of clicks would otherwise allocate them again every poll.
    constexpr std::size_t k_kept_clicks = 256;
    if (current_.clicks.capacity() + ahead_.clicks.capacity() <= k_kept_clicks)
        return;
    current_ = {};
    ahead_ = {};
    days_ = {};
    hashes_ = {};
}

void click_shipper::record_failure(std::exception const& e)
{
    conn_.reset();
    std::lock_guard lock(mutex_);
    status_.database_up = false;
    status_.last_error = e.what();
    auto const now = std::chrono::steady_clock::now();
    if (now - last_error_log_ > std::chrono::seconds(10)) {
        last_error_log_ = now;
        if (dynamic_cast<journal_binding_mismatch const*>(&e) != nullptr)
            logging::error("click shipper: clicks wait in the journal: {error}", {{"error", e.what()}});
        else
            logging::warn("click shipper: PostgreSQL unavailable, clicks wait in the journal: {error}",
                          {{"error", e.what()}});
    }
}

void click_shipper::save_binding_position(bool force)
{
    if (!options_.database || !position_loaded_ || binding_saved_ == position_)
        return;
    auto const now = std::chrono::steady_clock::now();
    // Busy, at most once a second: a binding that lags only makes the start check cautious.
    if (!force && now - binding_saved_at_ < std::chrono::seconds(1))
        return;
    binding_saved_at_ = now;
    try {
        save_binding(journal_.directory(), {*options_.database, position_});
        binding_saved_ = position_;
    } catch (std::exception const& e) {
        logging::warn("click shipper: {error} (the next start may count shipped clicks as unshipped)",
                      {{"error", e.what()}});
    }
}

void click_shipper::run()
{
    auto backoff = std::chrono::milliseconds(100);
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (stopping_) {
                bool const can_drain = draining_ && status_.database_up &&
                                       std::chrono::steady_clock::now() < drain_deadline_;
                if (!can_drain)
                    break;
            }
        }
        try {
            bool const fresh = !conn_ || !conn_->is_open();
            connect();
            if (fresh) {
                if (!position_loaded_) {
                    load_checkpoint();
                    count_initial_backlog();
                    save_binding_position(true);
                }
                upkeep();
                std::lock_guard lock(mutex_);
                status_.database_up = true;
                status_.last_error.clear();
                backoff = std::chrono::milliseconds(100);
            }
            if (std::chrono::steady_clock::now() >= next_upkeep_)
                upkeep();

            // current_, valid until the next call: the read-ahead below fills ahead_ only.
            auto const& batch = next_batch();
            if (!batch.clicks.empty()) {
                // Behind: reading and decoding the next batch overlaps with PostgreSQL taking
                // this one. Caught up: the next batch is read after a pause (below).
                bool const behind = batch.clicks.size() >= options_.batch_size / 2;
                if (behind)
                    start_prefetch(batch.next);
                {
                    std::lock_guard lock(mutex_);
                    oldest_pending_ = batch.clicks.front().at;
                }
                auto const shipped = ship(batch);
                journal_.remove_segments_before(batch.next.segment);
                {
                    std::lock_guard lock(mutex_);
                    position_ = batch.next;
                    status_.shipped += shipped;
                    status_.skipped_bytes += batch.skipped_bytes;
                }
                save_binding_position(false);
                std::unique_lock lock(mutex_);
                if (!behind && !stopping_) {
                    // A partial batch means we have caught up: let the next one fill a while,
                    // since each transaction costs far more than each extra row in it.
                    wake_.wait_for(lock, options_.idle_poll, [this] { return stopping_; });
                }
                continue;
            }
            {
                std::unique_lock lock(mutex_);
                position_ = batch.next; // may have moved past finished, empty segments
                status_.skipped_bytes += batch.skipped_bytes;
                if (stopping_ && !from_prefetch_)
                    break; // drained
            }
            if (from_prefetch_)
                continue; // the read-ahead may predate the journal's end: read it again now
            journal_.remove_segments_before(batch.next.segment);
            save_binding_position(true); // caught up: a no-op unless the position moved
            release_batch_memory();
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, options_.idle_poll, [this] { return stopping_; });
        } catch (std::exception const& e) {
            record_failure(e);
            // The lag is the age of the oldest click still waiting, read from the journal.
            auto const waiting = journal_.read(position_, 1);
            std::unique_lock lock(mutex_);
            if (!waiting.clicks.empty())
                oldest_pending_ = waiting.clicks.front().at;
            wake_.wait_for(lock, backoff, [this] { return stopping_; });
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
        }
    }
    save_binding_position(true);
    auto const s = status();
    logging::info("click shipper stopped:",
                  {{"shipped", s.shipped}, {"backlog", s.backlog_clicks}, {"database", s.database_up ? "up" : "down"}});
}

} // namespace linkledger::clicks
