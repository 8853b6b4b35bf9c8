#include "clicks/click_rollup.hpp"

namespace linkledger::clicks {
namespace {

void add_counts(rollup_counts& sum, rollup_counts const& row)
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

void click_rollup::add(click const& c)
{
    // The finest grain; a std::map's rows stay where they are, so each click keeps its row's
    // address for add_first_visit.
    auto& row = fine_[{c.link_id, quarter_hour_of(c.at), c.source, c.in_app, c.country}];
    if (c.bot)
        ++row.bot_hits;
    else
        ++row.clicks;
    added_.emplace_back(&row, c.bot);
}

void click_rollup::add_first_visit(std::size_t position)
{
    auto const& [row, bot] = added_.at(position);
    if (!bot)
        ++row->unique_clicks;
}

click_rollups click_rollup::rows() const
{
    click_rollups out;
    for (auto const& [key, row] : fine_) {
        auto const& [link_id, bucket, source, in_app, country] = key;
        auto const day = std::chrono::floor<std::chrono::days>(bucket);
        add_counts(out.link_day_details[{link_id, day, std::string(source), std::string(in_app), std::string(country)}], row);
        add_counts(out.link_days[{day, link_id, std::string(source)}], row);
        add_counts(out.link_quarters[{bucket, link_id, std::string(source)}], row);
        add_counts(out.source_quarters[{bucket, std::string(source)}], row);
    }
    return out;
}

click_rollups roll_up(std::span<click const> clicks, std::vector<bool> const& first_visit)
{
    click_rollup rollup;
    for (auto const& c : clicks)
        rollup.add(c);
    for (std::size_t i = 0; i < clicks.size() && i < first_visit.size(); ++i)
        if (first_visit[i])
            rollup.add_first_visit(i);
    return rollup.rows();
}

} // namespace linkledger::clicks
