// Per-video economics: what a video earned for what it was seen. Beside the revenue report's
// columns, each video row carries
//   views, followers_gained           summed over the period's days (video_stats), null when no
//                                      day of the period has the figure;
//   other_income_minor                 the video's income entries (Creator Rewards, ...) in the
//                                      row's currency;
//   earnings_minor                     commission_minor + other_income_minor;
//   clicks_per_1000_views              clicks × 1000 / views, a decimal to 4 places;
//   rpm_minor                          earnings_minor × 1000 / views, rounded half to even;
//   earnings_per_follower_minor        earnings_minor / followers_gained, rounded half to even.
// A rate over 0 views (or 0 followers, or figures not known) is null, never an infinity or 0:
// "not known" and "nothing earned" read differently. Money stays integer minor units; the rate
// that is not money is a JSON decimal (http/json_text). Views and followers repeat on each
// currency's row of a video, as clicks do.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkledger::reports {

// The rankings of the videos (GET /api/v1/reports/revenue?group_by=video&sort=):
// earnings ("earned most"), rpm ("best RPM"), followers ("brought most followers"). Ties and
// unknown figures go last, then by key.
enum class video_ranking { commission, earnings, rpm, followers };

// The ranking `sort=` names; nothing for a name that is none.
std::optional<video_ranking> video_ranking_of(std::string_view name);

// The sums one video row is made of.
struct video_sums {
    std::optional<std::int64_t> views;
    std::optional<std::int64_t> followers_gained;
    std::int64_t clicks = 0;
    __int128 commission_minor = 0;
    __int128 other_income_minor = 0;
};

// Writes the figures above into `row` (the one encoder of these columns).
void add_economics(boost::json::object& row, video_sums const& sums);

// The group_by=video rows of the revenue report with the economics added: the figures of each
// video, rows for a video's income in a currency it sold nothing in, and rows for videos with
// views or followers but neither clicks nor money in the period; then ranked. `from` and `to`
// are the period's instants, `zone` the creator's zone (the days of video_stats and income are
// that zone's calendar days).
void add_video_economics(pqxx::transaction_base& tx, boost::json::array& rows, std::string const& from,
                         std::string const& to, std::string const& zone, video_ranking ranking);

} // namespace linkledger::reports
