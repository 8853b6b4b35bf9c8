#include "money/video_stats_import.hpp"

#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "links/target_url.hpp"
#include "money/unknown_columns.hpp"
#include "money/video_stats_store.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <variant>

namespace linkledger::money {
namespace {

// Rows name a video by its platform id, else by its link as written.
std::string reference_of(video_stats_row const& row)
{
    return row.platform_video_id.empty() ? "url:" + row.video_url : "id:" + row.platform_video_id;
}

bool is_platform_name(std::string const& name)
{
    return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

imported_video video_to_create(video_stats_row const& row, std::string const& first_day)
{
    auto const platform = row.platform.empty() ? platform_of_url(row.video_url) : row.platform;
    if (!is_platform_name(platform))
        throw http::bad_field("platform", "platform must be a lowercase name such as tiktok, instagram, youtube");
    // As POST /api/v1/videos: the dashboard makes the link "open on the platform" of it.
    if (!row.video_url.empty())
        if (auto problem = links::target_url_problem(row.video_url, "video_url"))
            throw http::bad_field("video_url", *problem);
    if (!row.posted_at.empty() && !http::looks_like_iso_time(row.posted_at))
        throw http::bad_field("posted_at", "'" + row.posted_at.substr(0, 40) + "' is not a date (YYYY-MM-DD or ISO 8601)");
    // Without a publication time, the video went live no later than its first day in the file.
    return {platform, row.video_url, row.title, row.posted_at.empty() ? first_day + "T00:00:00Z" : row.posted_at,
            row.platform_video_id};
}

} // namespace

std::string platform_of_url(std::string const& url)
{
    auto const scheme = url.find("://");
    auto host = url.substr(scheme == std::string::npos ? 0 : scheme + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto const on = [&host](std::string const& domain) { return host == domain || host.ends_with("." + domain); };
    if (on("tiktok.com"))
        return "tiktok";
    if (on("instagram.com"))
        return "instagram";
    if (on("youtube.com") || on("youtu.be"))
        return "youtube";
    return "other";
}

boost::json::object import_video_stats(pqxx::dbtransaction& tx, video_stats_csv const& csv, bool create_missing,
                                       std::chrono::sys_days latest_day)
{
    std::map<std::string, std::int64_t> totals{{"created", 0}, {"updated", 0}, {"unchanged", 0}, {"failed", 0},
                                               {"videos_created", 0}};
    boost::json::array rows;
    auto unknown = report_unknown_columns(csv.unknown_columns, rows);
    totals["failed"] += static_cast<std::int64_t>(csv.unknown_columns.size());

    // Read every row first: a video the import creates went live no later than its first day.
    std::vector<std::variant<video_stats_row, http::http_error>> read;
    std::map<std::string, std::string> first_day;
    read.reserve(csv.records.size());
    for (auto const& record : csv.records) {
        try {
            auto row = video_stats_from_csv_record(csv, record, latest_day);
            auto& day = first_day[reference_of(row)];
            if (day.empty() || row.stats.day < day)
                day = row.stats.day;
            read.emplace_back(std::move(row));
        } catch (http::http_error const& e) {
            read.emplace_back(e);
        }
    }

    std::map<std::string, std::int64_t> videos; // reference -> video id, once committed
    for (std::size_t i = 0; i < read.size(); ++i) {
        boost::json::object result{{"line", csv.records[i].line}};
        try {
            if (auto const* failure = std::get_if<http::http_error>(&read[i]))
                throw *failure;
            auto const& row = std::get<video_stats_row>(read[i]);
            auto const reference = reference_of(row);
            pqxx::subtransaction sub(tx, "video_stats_row");
            bool created_video = false;
            std::optional<std::int64_t> video_id;
            if (auto const known = videos.find(reference); known != videos.end())
                video_id = known->second;
            else
                video_id = find_video_by_reference(sub, row.video_url, row.platform_video_id);
            if (!video_id) {
                if (!create_missing)
                    throw http::bad_field(row.platform_video_id.empty() ? "video_url" : "video_id",
                                          "no video with this link or id (create_missing=true creates it)",
                                          "not_found");
                auto const v = video_to_create(row, first_day[reference]);
                try {
                    video_id = insert_imported_video(sub, v);
                } catch (pqxx::data_exception const&) {
                    throw http::bad_field("posted_at", "'" + v.posted_at.substr(0, 40) + "' is not a time PostgreSQL can read");
                } catch (pqxx::check_violation const&) {
                    throw http::bad_field("video_url", "the video's link or title is too long");
                }
                created_video = true;
            }
            auto const outcome = store_video_day(sub, *video_id, row.stats);
            sub.commit();
            videos[reference] = *video_id;
            result["result"] = outcome;
            result["video_id"] = *video_id;
            result["date"] = row.stats.day;
            if (created_video) {
                result["video_created"] = true;
                ++totals["videos_created"];
            }
        } catch (http::http_error const& e) {
            result["result"] = "error";
            result["field"] = e.field;
            result["message"] = e.what();
        } catch (pqxx::data_exception const&) {
            result["result"] = "error";
            result["field"] = "body";
            result["message"] = "a value PostgreSQL could not read";
        }
        ++totals[result["result"].as_string() == "error" ? "failed" : std::string(result["result"].as_string())];
        rows.push_back(std::move(result));
    }
    boost::json::object report{{"unknown_columns", std::move(unknown)}, {"rows", std::move(rows)}};
    for (auto const& [name, n] : totals)
        report[name] = n;
    return report;
}

} // namespace linkledger::money
