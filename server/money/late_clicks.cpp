#include "money/late_clicks.hpp"

#include "logging/logging.hpp"
#include "logging/thread_name.hpp"
#include "money/idempotency_store.hpp"
#include "money/sale_recorder.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::money {
namespace {

constexpr char const* k_attribute_stored = R"sql(
SELECT linkledger_attribute_pending(ARRAY(SELECT click_id FROM conversions WHERE attribution = 'pending'))
)sql";

constexpr char const* k_give_up = R"sql(
WITH given_up AS (
    UPDATE conversions SET attribution = 'none', source = 'unattributed', attribution_deadline = NULL,
                           updated_at = now()
    WHERE attribution = 'pending' AND attribution_deadline <= now()
    RETURNING id, txid, click_id
), logged AS (
    INSERT INTO audit_log (actor_kind, actor_name, action, target_id, summary)
    SELECT 'system', 'late clicks', 'conversion.unattributed', g.id,
           'txid=' || left(g.txid, 60) ||
           CASE WHEN EXISTS (SELECT 1 FROM clicks k WHERE k.click_id = g.click_id)
                THEN ' its click does not count (a bot''s, or a repeat): no code to attribute it by'
                ELSE ' click not stored before the deadline' END
    FROM given_up g
)
SELECT count(*) FROM given_up
)sql";

// At a tick a minute at the least, 1.4 million keys a day: many times what people retrying
// POSTs by hand or by script make, in statements that each hold a thousand rows' locks.
constexpr int k_keys_forgotten_a_tick = 1000;

} // namespace

late_click_sweeper::late_click_sweeper(db::database& db, std::chrono::milliseconds every)
    : db_(db), every_(every)
{
}

late_click_sweeper::~late_click_sweeper()
{
    stop();
}

void late_click_sweeper::start()
{
    thread_ = std::thread([this] {
        logging::name_this_thread("ll-late-clicks");
        run();
    });
}

void late_click_sweeper::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

std::pair<int, int> late_click_sweeper::sweep(pqxx::connection& conn)
{
    pqxx::work tx(conn);
    // Nearly always nothing waits: one probe of a partial index, and done.
    if (tx.exec("SELECT 1 FROM conversions WHERE attribution = 'pending' LIMIT 1").empty())
        return {0, 0};
    auto const attributed = tx.exec1(k_attribute_stored)[0].as<int>() + attribute_given_up_by_code(tx);
    auto const given_up = tx.exec1(k_give_up)[0].as<int>();
    tx.commit();
    return {attributed, given_up};
}

void late_click_sweeper::run()
{
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            auto const [attributed, given_up] = db_.run_blocking([](pqxx::connection& conn) { return sweep(conn); });
            if (attributed || given_up)
                logging::info("late clicks", {{"attributed", attributed}, {"unattributed_after_deadline", given_up}});
        } catch (std::exception const& e) {
            // PostgreSQL down: the pending sales wait, and so does their deadline's sweep.
            logging::debug("late clicks sweep failed: {error}", {{"error", e.what()}});
        }
        try {
            auto const forgotten = db_.run_blocking([](pqxx::connection& conn) {
                return forget_expired_keys(conn, k_keys_forgotten_a_tick);
            });
            if (forgotten > 0)
                logging::info("idempotency keys past 24 hours forgotten", {{"count", forgotten}});
        } catch (std::exception const& e) {
            logging::debug("forgetting expired idempotency keys failed: {error}", {{"error", e.what()}});
        }
        lock.lock();
    }
}

std::chrono::milliseconds late_click_sweep_interval(int deadline_seconds)
{
    auto const quarter = std::chrono::milliseconds(deadline_seconds) * 250;
    return std::clamp(quarter, std::chrono::milliseconds(1000), std::chrono::milliseconds(60'000));
}

} // namespace linkledger::money
