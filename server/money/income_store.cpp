#include "money/income_store.hpp"

#include "money/store_rows.hpp"

#include "db/sql_errors.hpp"
#include "db/utc_timestamp.hpp"
#include "http/json_body.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

constexpr auto k_income_columns =
    db::sql_text("id, stream, amount_minor, currency, to_char(day, 'YYYY-MM-DD'), video_id, note, ") +
    db::utc_timestamp("created_at");

// An instant ($7: the text has its offset) is filed on its day in the zone $8; a date, or a
// wall-clock time, on the date it writes.
constexpr auto k_insert_income = "INSERT INTO income (stream, amount_minor, currency, day, video_id, note) "
                                 "VALUES ($1, $2, $3, CASE WHEN $7 THEN ($4::timestamptz AT TIME ZONE $8)::date "
                                 "ELSE $4::timestamp::date END, $5, $6) RETURNING " +
                                 k_income_columns;

// from ($3) and to ($4) are read as an entry's date is ($5, $6: each has its offset; $7: the
// zone): "2026-03-01T23:30:00-05:00" is March 2 in Paris, both when filed and when asked for.
constexpr auto k_list_income =
    "SELECT " + k_income_columns +
    " FROM income WHERE ($1::bigint = 0 OR id < $1::bigint) "
    "AND ($3::text IS NULL OR day >= CASE WHEN $5 THEN ($3::text::timestamptz AT TIME ZONE $7)::date "
    "ELSE $3::text::timestamp::date END) "
    "AND ($4::text IS NULL OR day < CASE WHEN $6 THEN ($4::text::timestamptz AT TIME ZONE $7)::date "
    "ELSE $4::text::timestamp::date END) ORDER BY id DESC LIMIT $2";

constexpr char const* k_delete_income = "DELETE FROM income WHERE id = $1";

income_entry to_income_entry(pqxx::row const& row)
{
    return {row[0].as<std::int64_t>(),
            row[1].as<std::string>(),
            row[2].as<std::int64_t>(),
            row[3].as<std::string>(),
            row[4].as<std::string>(),
            row[5].is_null() ? std::nullopt : std::optional(row[5].as<std::int64_t>()),
            row[6].as<std::string>(),
            row[7].as<std::string>()};
}

} // namespace

income_entry insert_income(pqxx::transaction_base& tx, new_income_entry const& e, std::string const& zone)
{
    auto const row = tx.exec_params1(k_insert_income.c_str(), e.stream, e.amount_minor, e.currency, e.date,
                                     e.video_id, e.note, http::has_utc_offset(e.date), zone);
    return to_income_entry(row);
}

std::vector<income_entry> list_income(pqxx::connection& conn, income_filter const& f, std::string const& zone)
{
    pqxx::read_transaction tx(conn);
    db::check_time(tx, "from", f.from);
    db::check_time(tx, "to", f.to);
    auto const has_offset = [](std::optional<std::string> const& at) { return at && http::has_utc_offset(*at); };
    return all_rows(tx.exec_params(k_list_income.c_str(), f.before_id, f.limit, f.from, f.to, has_offset(f.from),
                                   has_offset(f.to), zone),
                    to_income_entry);
}

bool delete_income(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const deleted = tx.exec_params(k_delete_income, id).affected_rows();
    return deleted > 0;
}

} // namespace linkledger::money
