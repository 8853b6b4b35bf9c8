// The rollup rule, written once: what a batch of newly stored clicks adds to the four rollup
// tables the reports read. Pure (clicks in, rows out, no database), so both ways a batch is
// stored (the COPY of the usual path and the replay's insert of what is missing) count alike,
// and the rule is unit-tested on its own. click_rollup_store writes the rows.
//
// A click_rollup counts one click at a time, so the shipper can count each click while the COPY
// that stores the batch is under way (PostgreSQL reads the rows meanwhile), and add the unique
// clicks once the markers in click_uniques have said which they are.
//
// The finest grain is (link, UTC quarter-hour, source, in-app browser, country); each table is
// a sum of it, so the four always agree:
//   click_rollups_daily          (link, UTC day, source, in_app, country)
//   click_totals_daily           (UTC day, link, source)
//   click_totals_quarter_hourly  (UTC quarter-hour, link, source)
//   click_rollups_quarter_hourly (UTC quarter-hour, source)
// Quarter-hours, so that a report can file clicks under the days and hours of any zone
// (Asia/Kolkata is +05:30, Asia/Kathmandu +05:45). Bots count as bot hits only; a human click
// counts as a click, and as a unique click when it is its visitor's first of the UTC day on
// its link (unique_visitors decides which).
#pragma once

#include "clicks/click_store.hpp"

#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace linkledger::clicks {

struct rollup_counts {
    std::int64_t clicks = 0;
    std::int64_t unique_clicks = 0;
    std::int64_t bot_hits = 0;
    bool operator==(rollup_counts const&) const = default;
};

// The start of a UTC quarter-hour.
using quarter_hour = std::chrono::sys_time<std::chrono::minutes>;

quarter_hour quarter_hour_of(std::chrono::system_clock::time_point at);

struct link_day_detail { // click_rollups_daily
    std::int64_t link_id = 0;
    std::chrono::sys_days day;
    std::string source, in_app, country;
    auto operator<=>(link_day_detail const&) const = default;
};

struct link_day { // click_totals_daily
    std::chrono::sys_days day;
    std::int64_t link_id = 0;
    std::string source;
    auto operator<=>(link_day const&) const = default;
};

struct link_quarter { // click_totals_quarter_hourly
    quarter_hour bucket;
    std::int64_t link_id = 0;
    std::string source;
    auto operator<=>(link_quarter const&) const = default;
};

struct source_quarter { // click_rollups_quarter_hourly
    quarter_hour bucket;
    std::string source;
    auto operator<=>(source_quarter const&) const = default;
};

struct click_rollups {
    std::map<link_day_detail, rollup_counts> link_day_details;
    std::map<link_day, rollup_counts> link_days;
    std::map<link_quarter, rollup_counts> link_quarters;
    std::map<source_quarter, rollup_counts> source_quarters;
};

class click_rollup {
public:
    // Counts `c`: a click, or a bot hit. `c` must outlive this click_rollup (its texts are
    // viewed, not copied, until rows()).
    void add(click const& c);
    // The click added `position`-th (from 0) is its visitor's first of the UTC day on its link:
    // a unique click too. Ignored for a bot.
    void add_first_visit(std::size_t position);
    // The rows each rollup table gains.
    click_rollups rows() const;

private:
    // link, quarter-hour, source, in-app browser, country
    using fine_key = std::tuple<std::int64_t, quarter_hour, std::string_view, std::string_view, std::string_view>;
    std::map<fine_key, rollup_counts> fine_;
    std::vector<std::pair<rollup_counts*, bool>> added_; // each added click's row, and whether a bot
};

// A whole batch at once. `first_visit[i]`: clicks[i] is its visitor's first click of the UTC
// day on its link.
click_rollups roll_up(std::span<click const> clicks, std::vector<bool> const& first_visit);

} // namespace linkledger::clicks
