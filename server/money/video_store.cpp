#include "money/video_store.hpp"

#include "money/store_rows.hpp"

#include "db/utc_timestamp.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

constexpr auto k_video_columns = db::sql_text("id, platform, url, title, ") + db::utc_timestamp("posted_at") +
                                 ", " + db::utc_timestamp("created_at");

constexpr auto k_insert_video = "INSERT INTO videos (platform, url, title, posted_at) "
                                "VALUES ($1, $2, $3, $4::timestamptz) RETURNING " +
                                k_video_columns;

constexpr auto k_find_video = "SELECT " + k_video_columns + " FROM videos WHERE id = $1";

constexpr auto k_list_videos = "SELECT " + k_video_columns +
                               " FROM videos WHERE ($1::bigint = 0 OR id < $1::bigint)"
                               " AND ($3 = '' OR title ILIKE $3 OR url ILIKE $3) ORDER BY id DESC LIMIT $2";

constexpr auto k_update_video = "UPDATE videos SET platform = COALESCE($2, platform), url = COALESCE($3, url), "
                                "title = COALESCE($4, title), posted_at = COALESCE($5::timestamptz, posted_at), "
                                "updated_at = now() WHERE id = $1 RETURNING " +
                                k_video_columns;

video to_video(pqxx::row const& row)
{
    return {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
            row[3].as<std::string>(),  row[4].as<std::string>(), row[5].as<std::string>()};
}

} // namespace

video insert_video(pqxx::transaction_base& tx, new_video const& v)
{
    auto const row = tx.exec_params1(k_insert_video.c_str(), v.platform, v.url, v.title, v.posted_at);
    return to_video(row);
}

std::optional<video> find_video(pqxx::connection& conn, std::int64_t id)
{
    pqxx::read_transaction tx(conn);
    return first_row(tx.exec_params(k_find_video.c_str(), id), to_video);
}

std::vector<video> list_videos(pqxx::connection& conn, std::int64_t before_id, int limit, std::string const& pattern)
{
    pqxx::read_transaction tx(conn);
    return all_rows(tx.exec_params(k_list_videos.c_str(), before_id, limit, pattern), to_video);
}

std::optional<video> update_video(pqxx::transaction_base& tx, std::int64_t id, video_changes const& c)
{
    auto updated = first_row(tx.exec_params(k_update_video.c_str(), id, c.platform, c.url, c.title, c.posted_at), to_video);
    return updated;
}

} // namespace linkledger::money
