// A creator-analytics export imported: each row matched to its video (by link or platform id,
// created on request) and its day stored. Bad rows are reported with their line and reason;
// good rows are stored all the same (each in its own savepoint).
#pragma once

#include "money/video_stats_csv.hpp"

#include <boost/json/object.hpp>
#include <pqxx/dbtransaction>

#include <chrono>

namespace linkledger::money {

// Returns {"created", "updated", "unchanged", "failed", "videos_created", "unknown_columns",
// "rows": [{"line", "result", "video_id", "date", "video_created"?} or {"line", "result": "error",
// "field", "message"}]}. An unknown column is reported as an error on line 1, its cells ignored.
boost::json::object import_video_stats(pqxx::dbtransaction& tx, video_stats_csv const& csv, bool create_missing,
                                       std::chrono::sys_days latest_day);

// The platform a link is on, for a video an import creates: tiktok, instagram, youtube or other.
std::string platform_of_url(std::string const& url);

} // namespace linkledger::money
