#include "reports/report_period.hpp"

#include "db/sql_errors.hpp"
#include "db/time_zones.hpp"
#include "db/utc_timestamp.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "users/request_zone.hpp"

#include <pqxx/pqxx>

namespace linkledger::reports {
namespace {

// An end as the API writes instants ("2026-11-20T18:00:00Z"), its fraction kept when it has one
// ("2026-11-20T18:00:00.7Z").
template <std::size_t M>
constexpr auto k_end(char const (&end)[M])
{
    return "(rtrim(rtrim(" + db::utc_timestamp<db::time_precision::microseconds>(end) +
           ", 'Z0'), '.') || 'Z')";
}

// $1 from, $2 to: each NULL, an instant (its own offset) or a wall-clock time of zone $3,
// as $4 and $5 say. Local days are counted in local time, so "30 days before" a Paris
// midnight is a Paris midnight too. The ends are the instants asked, fraction of a second
// included: a `from` of 12:00:00.700 rounded down to 12:00:00 took in a sale or a raw click of
// 12:00:00.200, made before the period began (and a `to` likewise left out one made before it
// ended). They are answered to the second, with the fraction only when there is one. The days
// are those of the ends; an empty period (to at or before from) touches none.
constexpr auto k_period_sql = R"sql(
WITH given AS (
    SELECT CASE WHEN $4 THEN $1::timestamptz ELSE $1::timestamp AT TIME ZONE $3 END AS f,
           CASE WHEN $5 THEN $2::timestamptz ELSE $2::timestamp AT TIME ZONE $3 END AS t
), ends AS (
    SELECT f, COALESCE(t, (date_trunc('day', now() AT TIME ZONE $3) + interval '1 day') AT TIME ZONE $3) AS t
    FROM given
), period AS (
    SELECT COALESCE(f, ((t AT TIME ZONE $3) - interval '30 days') AT TIME ZONE $3) AS f, t
    FROM ends
), days AS (
    SELECT f, t, (f AT TIME ZONE $3)::date AS first_day,
           CASE WHEN t > f THEN ((t - interval '1 microsecond') AT TIME ZONE $3)::date
                ELSE (f AT TIME ZONE $3)::date - 1 END AS last_day
    FROM period
)
SELECT )sql" + k_end("f") + ", " + k_end("t") +
                                R"sql(, to_char(first_day, 'YYYY-MM-DD'), to_char(last_day, 'YYYY-MM-DD'),
       last_day - first_day + 1 FROM days)sql";

} // namespace

report_period resolve_period(pqxx::transaction_base& tx, http::request_context const& ctx,
                             std::string const& instance_zone)
{
    auto const from = http::checked_time(ctx.query("from"), "from");
    auto const to = http::checked_time(ctx.query("to"), "to");
    report_period period;
    period.zone = users::request_zone(tx, ctx, instance_zone);
    db::check_time(tx, "from", from);
    db::check_time(tx, "to", to);
    auto const row = db::mapping_bad_time("from", [&] {
        return tx.exec_params1(k_period_sql.c_str(), from, to, period.zone, from && http::has_utc_offset(*from),
                               to && http::has_utc_offset(*to));
    });
    period.from = row[0].as<std::string>();
    period.to = row[1].as<std::string>();
    period.first_day = row[2].as<std::string>();
    period.last_day = row[3].as<std::string>();
    period.days = row[4].as<int>();
    return period;
}

} // namespace linkledger::reports
