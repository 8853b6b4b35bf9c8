// The other half of late-click attribution (see sale_recorder.hpp and migrations/0009): a
// thread that, every few seconds, settles the pending sales whose click is stored by now (the
// trigger misses a click committed while the sale's own transaction was still open) and gives
// up on those past their deadline, which become unattributed. Every instance runs one; their
// updates are idempotent, so two at once do no harm. Being money's one periodic thread, each
// tick also forgets the Idempotency-Keys past their 24 hours, a thousand at most
// (idempotency_store.hpp); two instances skip each other's rows.
#pragma once

#include "db/database.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace linkledger::money {

class late_click_sweeper {
public:
    late_click_sweeper(db::database& db, std::chrono::milliseconds every);
    ~late_click_sweeper();
    late_click_sweeper(late_click_sweeper const&) = delete;
    late_click_sweeper& operator=(late_click_sweeper const&) = delete;

    void start();
    void stop();

    // One pass: what a tick does. Returns {attributed, given up}.
    static std::pair<int, int> sweep(pqxx::connection& conn);

private:
    void run();

    db::database& db_;
    std::chrono::milliseconds every_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

// How often to sweep for a given deadline: often enough that a sale is given up on soon after
// its deadline, never more than once a second nor less than once a minute.
std::chrono::milliseconds late_click_sweep_interval(int deadline_seconds);

} // namespace linkledger::money
