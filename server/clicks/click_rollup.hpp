// The rollup rule, written once: what a batch of newly stored clicks adds to the four rollup
// tables the reports read. Pure (clicks in, rows out, no database), so both ways a batch is
// stored (the COPY of the usual path and the replay's insert of what is missing) count alike,
// and the rule is unit-tested on its own. click_rollup_store writes the rows.
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

// `first_visit[i]`: clicks[i] is its visitor's first click of the UTC day on its link.
click_rollups roll_up(std::span<click const> clicks, std::vector<bool> const& first_visit);

} // namespace linkledger::clicks
