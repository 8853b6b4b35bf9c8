// A creator-analytics export as POST /api/v1/videos/stats/import receives it: parsing ends in
// an export or a 400 on the body; each record in a day whose figures are within their caps and
// whose date is a real one no later than the latest allowed, or a 400 naming a column. Counts
// and watch times read alone keep the same promises.
#include "http/http_error.hpp"
#include "money/video_stats_csv.hpp"
#include "fuzz_check.hpp"

#include <chrono>
#include <cstdint>

using namespace linkledger;
using fuzz::expect;

namespace {

constexpr std::chrono::sys_days k_latest{std::chrono::year{2026} / std::chrono::December / 3};

void expect_count(std::optional<std::int64_t> const& n)
{
    expect(!n || (*n >= 0 && *n <= money::k_max_video_count), "a count is from 0 to the cap");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    try {
        expect_count(money::read_count(text.substr(0, 64), "views"));
    } catch (http::http_error const& e) {
        expect(e.field == "views", "a bad count names its field");
    }
    try {
        auto const ms = money::read_watch_ms(text.substr(0, 64), "w");
        expect(!ms || (*ms >= 0 && *ms <= money::k_max_watch_ms), "a watch time is from 0 to a day");
    } catch (http::http_error const& e) {
        expect(e.field == "w", "a bad watch time names its field");
    }
    money::video_stats_csv csv;
    try {
        csv = money::parse_video_stats_csv(text);
    } catch (http::http_error const& e) {
        expect(e.status == http::status::bad_request && e.field == "body", "a bad file is a 400 on body");
        return 0;
    }
    for (auto const& record : csv.records) {
        try {
            auto const row = money::video_stats_from_csv_record(csv, record, k_latest);
            expect(!row.video_url.empty() || !row.platform_video_id.empty(), "a row names its video");
            expect(row.stats.has_a_figure(), "a row has a figure");
            expect(row.stats.day.size() == 10 && row.stats.day <= "2026-12-03", "a day is a date, not in the future");
            for (auto const& n : {row.stats.views, row.stats.likes, row.stats.comments, row.stats.shares,
                                  row.stats.followers_gained})
                expect_count(n);
        } catch (http::http_error const& e) {
            expect(e.status == http::status::bad_request && !e.field.empty(), "a bad row names its column");
        }
    }
    return 0;
}
