// The janitor of the clicks table and of what counting unique visitors keeps: it keeps the
// monthly partitions ready ahead of the clicks, and keeps the privacy promise that raw clicks
// expire after the retention setting while the rollups remain.
//   upkeep (at each connection and hourly): creates this month's partition and the next two;
//     drops the partitions wholly older than the retention (a month at a time: a partition goes
//     once its last day is past it); forgets the daily salts and unique-visitor markers older
//     than yesterday (yesterday's stay for clicks that arrive late), and the User-Agent texts
//     (migration 0019) no kept click can point to.
//   ensure_partitions: before a batch is stored, the partitions of its months (a replayed
//     journal or a restored backup may hold old clicks), each checked once per connection.
#pragma once

#include <pqxx/connection>

#include <chrono>
#include <set>
#include <string>

namespace linkledger::clicks {

class click_retention {
public:
    explicit click_retention(unsigned retention_days) : retention_days_(retention_days) {}

    void upkeep(pqxx::connection& conn, std::chrono::system_clock::time_point now);

    // `first_days_of_months`: "YYYY-MM-01" of each month the batch holds clicks of.
    void ensure_partitions(pqxx::connection& conn, std::set<std::string> const& first_days_of_months);

    // A new connection may reach a database where other partitions exist.
    void forget_partitions() { partitions_ready_.clear(); }

private:
    unsigned retention_days_;
    std::set<std::string> partitions_ready_; // first days of months, known to have a partition
};

} // namespace linkledger::clicks
