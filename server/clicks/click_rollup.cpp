#include "clicks/click_rollup.hpp"

#include <string_view>
#include <tuple>

namespace linkledger::clicks {
namespace {

// Views into the batch's clicks, which outlive the counting: no string is copied per click,
// only once per row of the finest grain.
using fine_key = std::tuple<std::int64_t, quarter_hour, std::string_view, std::string_view, std::string_view>;

void add(rollup_counts& sum, rollup_counts const& row)
{
    sum.clicks += row.clicks;
    sum.unique_clicks += row.unique_clicks;
    sum.bot_hits += row.bot_hits;
}

} // namespace

quarter_hour quarter_hour_of(std::chrono::system_clock::time_point at)
{
    auto const minute = std::chrono::floor<std::chrono::minutes>(at);
    auto const into_quarter = minute.time_since_epoch() % 15;
    // % keeps the sign of a time before 1970; floor it all the same.
    return minute - (into_quarter.count() < 0 ? into_quarter + std::chrono::minutes(15) : into_quarter);
}

click_rollups roll_up(std::span<click const> clicks, std::vector<bool> const& first_visit)
{
    std::map<fine_key, rollup_counts> fine;
    for (std::size_t i = 0; i < clicks.size(); ++i) {
        auto const& c = clicks[i];
        auto& row = fine[{c.link_id, quarter_hour_of(c.at), c.source, c.in_app, c.country}];
        if (c.bot) {
            ++row.bot_hits;
            continue;
        }
        ++row.clicks;
        if (i < first_visit.size() && first_visit[i])
            ++row.unique_clicks;
    }

    click_rollups out;
    for (auto const& [key, row] : fine) {
        auto const& [link_id, bucket, source, in_app, country] = key;
        auto const day = std::chrono::floor<std::chrono::days>(bucket);
        add(out.link_day_details[{link_id, day, std::string(source), std::string(in_app), std::string(country)}], row);
        add(out.link_days[{day, link_id, std::string(source)}], row);
        add(out.link_quarters[{bucket, link_id, std::string(source)}], row);
        add(out.source_quarters[{bucket, std::string(source)}], row);
    }
    return out;
}

} // namespace linkledger::clicks
