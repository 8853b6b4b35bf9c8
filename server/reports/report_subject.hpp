// What a page's report is about: one link (link_id=) or one video (video_id=, meaning the links
// of that video and the sales and income attributed to it). The link and video pages of the
// dashboard ask their breakdowns, sales and income through it.
#pragma once

#include "http/router.hpp"

#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>

namespace linkledger::reports {

struct report_subject {
    std::optional<std::int64_t> link_id;
    std::optional<std::int64_t> video_id;
    // A link's own video, when it has one (filled for link_id= only).
    std::optional<std::int64_t> video_of_link;
};

// Reads link_id= and video_id= (at most one of them; `required`: exactly one). A value that is
// not a positive id, or both at once, is a 400 naming the field; an id nothing has is a 404
// naming it.
report_subject subject_of(pqxx::transaction_base& tx, http::request_context const& ctx, bool required);

} // namespace linkledger::reports
