#include "money/video_stats_store.hpp"

#include "money/store_rows.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

// A row is written only when some figure changes, so a re-import reports "unchanged" and
// leaves updated_at alone; xmax = 0 tells an insert from an update.
constexpr char const* k_store_day = R"sql(
    INSERT INTO video_stats AS s (video_id, day, views, likes, comments, shares, average_watch_ms, followers_gained)
    VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (video_id, day) DO UPDATE SET
        views = COALESCE(EXCLUDED.views, s.views), likes = COALESCE(EXCLUDED.likes, s.likes),
        comments = COALESCE(EXCLUDED.comments, s.comments), shares = COALESCE(EXCLUDED.shares, s.shares),
        average_watch_ms = COALESCE(EXCLUDED.average_watch_ms, s.average_watch_ms),
        followers_gained = COALESCE(EXCLUDED.followers_gained, s.followers_gained), updated_at = now()
    WHERE (COALESCE(EXCLUDED.views, s.views), COALESCE(EXCLUDED.likes, s.likes),
           COALESCE(EXCLUDED.comments, s.comments), COALESCE(EXCLUDED.shares, s.shares),
           COALESCE(EXCLUDED.average_watch_ms, s.average_watch_ms),
           COALESCE(EXCLUDED.followers_gained, s.followers_gained))
          IS DISTINCT FROM (s.views, s.likes, s.comments, s.shares, s.average_watch_ms, s.followers_gained)
    RETURNING (xmax = 0) AS created)sql";

constexpr char const* k_list_days = R"sql(
    SELECT to_char(day, 'YYYY-MM-DD'), views, likes, comments, shares, average_watch_ms, followers_gained
    FROM video_stats
    WHERE video_id = $1 AND ($2 = '' OR day >= $2::date) AND ($3 = '' OR day < $3::date)
    ORDER BY day)sql";

constexpr char const* k_video_exists = "SELECT 1 FROM videos WHERE id = $1";

constexpr char const* k_find_by_reference = R"sql(
    SELECT id FROM videos
    WHERE platform_video_id = COALESCE(NULLIF($2, ''), linkledger_platform_video_id($1))
       OR ($1 <> '' AND lower(rtrim(split_part(url, '?', 1), '/')) = lower(rtrim(split_part($1, '?', 1), '/')))
    ORDER BY id LIMIT 1)sql";

constexpr char const* k_insert_imported = R"sql(
    INSERT INTO videos (platform, url, title, posted_at, platform_video_id)
    VALUES ($1, $2, $3, $4::timestamptz, NULLIF($5, '')) RETURNING id)sql";

std::optional<std::int64_t> nullable(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::int64_t>());
}

video_day_stats read_day_row(pqxx::row const& row)
{
    return {row[0].as<std::string>(), nullable(row[1]), nullable(row[2]), nullable(row[3]),
            nullable(row[4]),         nullable(row[5]), nullable(row[6])};
}

} // namespace

std::string store_video_day(pqxx::transaction_base& tx, std::int64_t video_id, video_day_stats const& day)
{
    auto const written = tx.exec_params(k_store_day, video_id, day.day, day.views, day.likes, day.comments, day.shares,
                                        day.average_watch_ms, day.followers_gained);
    if (written.empty())
        return "unchanged";
    return written[0][0].as<bool>() ? "created" : "updated";
}

std::vector<video_day_stats> list_video_days(pqxx::connection& conn, std::int64_t video_id,
                                             std::string const& from_day, std::string const& to_day)
{
    pqxx::read_transaction tx(conn);
    return all_rows(tx.exec_params(k_list_days, video_id, from_day, to_day), read_day_row);
}

bool video_exists(pqxx::transaction_base& tx, std::int64_t video_id)
{
    return !tx.exec_params(k_video_exists, video_id).empty();
}

std::optional<std::int64_t> find_video_by_reference(pqxx::transaction_base& tx, std::string const& url,
                                                    std::string const& platform_video_id)
{
    return first_row(tx.exec_params(k_find_by_reference, url, platform_video_id),
                     [](pqxx::row const& row) { return row[0].as<std::int64_t>(); });
}

std::int64_t insert_imported_video(pqxx::transaction_base& tx, imported_video const& v)
{
    return tx.exec_params1(k_insert_imported, v.platform, v.url, v.title, v.posted_at, v.platform_video_id)[0]
        .as<std::int64_t>();
}

} // namespace linkledger::money
