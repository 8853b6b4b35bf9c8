// Video statistics in: PUT /api/v1/videos/{id}/stats (JSON, one or more days), GET of the same,
// and POST /api/v1/videos/stats/import (a creator-analytics CSV export).
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"
#include "money/video_stats_csv.hpp"

#include <boost/json/object.hpp>

namespace linkledger::money {

// A stored day as the API answers it: {"date", "views", "likes", "comments", "shares",
// "average_watch_seconds" (a decimal), "followers_gained"}, null for a figure not known.
boost::json::object to_json(video_day_stats const& day);

void add_video_stats_routes(http::router& routes, db::database& db);

} // namespace linkledger::money
