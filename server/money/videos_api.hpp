// /api/v1/videos: the creator's posts that links, codes and sales are attributed to.
#pragma once

#include "db/database.hpp"
#include "http/router.hpp"

namespace linkledger::money {

void add_video_routes(http::router& routes, db::database& db);

} // namespace linkledger::money
