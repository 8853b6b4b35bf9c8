#include "clicks/click_rollup_store.hpp"

#include "db/pg_array.hpp"
#include "db/utc_timestamp.hpp"

#include <pqxx/pqxx>

#include <array>
#include <cstdio>
#include <tuple>
#include <vector>

namespace linkledger::clicks {
namespace {

// Each table adds the batch's counts to the row it already has for the same key.
constexpr auto k_add_counts = db::sql_text(R"sql( DO UPDATE
SET clicks = r.clicks + EXCLUDED.clicks,
    unique_clicks = r.unique_clicks + EXCLUDED.unique_clicks,
    bot_hits = r.bot_hits + EXCLUDED.bot_hits
)sql");

constexpr auto k_add_to_link_day_details = R"sql(
INSERT INTO click_rollups_daily AS r (link_id, day, source, in_app, country, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::bigint[], $2::date[], $3::text[], $4::text[], $5::text[],
                     $6::bigint[], $7::bigint[], $8::bigint[])
ON CONFLICT (link_id, day, source, in_app, country))sql" + k_add_counts;

constexpr auto k_add_to_link_days = R"sql(
INSERT INTO click_totals_daily AS r (day, link_id, source, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::date[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
ON CONFLICT (day, link_id, source))sql" + k_add_counts;

constexpr auto k_add_to_link_quarters = R"sql(
INSERT INTO click_totals_quarter_hourly AS r (bucket, link_id, source, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
ON CONFLICT (bucket, link_id, source))sql" + k_add_counts;

constexpr auto k_add_to_source_quarters = R"sql(
INSERT INTO click_rollups_quarter_hourly AS r (bucket, source, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
ON CONFLICT (bucket, source))sql" + k_add_counts;

std::string day_text(std::chrono::sys_days day)
{
    std::chrono::year_month_day const ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

std::string bucket_text(quarter_hour bucket)
{
    auto const day = std::chrono::floor<std::chrono::days>(bucket);
    std::chrono::hh_mm_ss const hm{bucket - day};
    char text[40];
    std::snprintf(text, sizeof text, "%s %02ld:%02ld:00+00", day_text(day).c_str(),
                  static_cast<long>(hm.hours().count()), static_cast<long>(hm.minutes().count()));
    return text;
}

// Runs `sql` with the rows as arrays, one per column: the N columns of each key, as `columns_of`
// writes them, then its three counts.
template <std::size_t N, class Key, class ColumnsOf>
void add_rows(pqxx::transaction_base& tx, char const* sql, std::map<Key, rollup_counts> const& rows,
              ColumnsOf columns_of)
{
    std::array<std::vector<std::string>, N + 3> columns;
    for (auto const& [key, row] : rows) {
        std::array<std::string, N> const values = columns_of(key);
        for (std::size_t i = 0; i < N; ++i)
            columns[i].push_back(values[i]);
        columns[N].push_back(std::to_string(row.clicks));
        columns[N + 1].push_back(std::to_string(row.unique_clicks));
        columns[N + 2].push_back(std::to_string(row.bot_hits));
    }
    std::apply([&](auto const&... column) { tx.exec_params(sql, db::to_pg_array(column)...); }, columns);
}

} // namespace

void add_to_rollups(pqxx::transaction_base& tx, click_rollups const& rollups)
{
    add_rows<5>(tx, k_add_to_link_day_details.c_str(), rollups.link_day_details, [](link_day_detail const& k) {
        return std::array<std::string, 5>{std::to_string(k.link_id), day_text(k.day), k.source, k.in_app, k.country};
    });
    add_rows<3>(tx, k_add_to_link_days.c_str(), rollups.link_days, [](link_day const& k) {
        return std::array<std::string, 3>{day_text(k.day), std::to_string(k.link_id), k.source};
    });
    add_rows<3>(tx, k_add_to_link_quarters.c_str(), rollups.link_quarters, [](link_quarter const& k) {
        return std::array<std::string, 3>{bucket_text(k.bucket), std::to_string(k.link_id), k.source};
    });
    add_rows<2>(tx, k_add_to_source_quarters.c_str(), rollups.source_quarters, [](source_quarter const& k) {
        return std::array<std::string, 2>{bucket_text(k.bucket), k.source};
    });
}

} // namespace linkledger::clicks
