// A link moved to another video, offer or code through the API, and what the reports then say
// per video, offer or code: for the tests that check the clicks made before a move stay where
// the link pointed when they were made (migrations 0025, 0029, 0030).
#pragma once

#include "http_client.hpp"
#include "test_database.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

namespace linkledger::testing {

// A report's `field` summed per row key ("" for the row of none): a key may have several rows
// (one per currency of its sales).
inline std::map<std::string, std::int64_t> sum_by_key(boost::json::object const& report, char const* field = "clicks")
{
    std::map<std::string, std::int64_t> out;
    for (auto const& row : report.at("rows").as_array()) {
        auto const& key = row.at("key");
        out[key.is_null() ? "" : std::string(key.as_string())] += row.at(field).as_int64();
    }
    return out;
}

// Moves the link as the dashboard does (PATCH with `changes`, e.g. {"video_id": 7}); the reply.
inline http_reply move_link(unsigned short port, std::string const& key, std::int64_t link_id, std::string const& changes)
{
    return api(port, "PATCH", "/api/v1/links/" + std::to_string(link_id), key, changes);
}

// Dates every move made so far (of videos and offers) at `instant`, an SQL timestamptz: a test
// cannot wait for the days or minutes between a move and the clicks around it. A code's first
// link is dated at the code's creation (migration 0032), not '-infinity': tests date codes
// themselves.
inline void date_moves(scratch_database const& db, std::string const& instant)
{
    for (char const* history : {"link_videos", "link_offers"})
        db.execute(std::string("UPDATE ") + history + " SET since = " + instant + " WHERE since > '-infinity'");
}

// The clicks of a video's daily curve (GET /api/v1/videos/{id}/daily?`query`), summed.
inline std::int64_t video_daily_clicks(unsigned short port, std::string const& key, std::string const& video_id,
                                       std::string const& query)
{
    auto const curve = api(port, "GET", "/api/v1/videos/" + video_id + "/daily?" + query, key);
    EXPECT_EQ(curve.status, 200) << curve.body;
    if (curve.status != 200)
        return -1;
    std::int64_t total = 0;
    auto const body = curve.json();
    for (auto const& day : body.at("days").as_array())
        total += day.at("clicks").as_int64();
    return total;
}

} // namespace linkledger::testing
