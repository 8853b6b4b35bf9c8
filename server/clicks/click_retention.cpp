#include "clicks/click_retention.hpp"

#include "clicks/visitor_salts.hpp"
#include "logging/logging.hpp"

#include <pqxx/pqxx>

#include <cstdio>

namespace linkledger::clicks {
namespace {

constexpr char const* k_ensure_partition = "SELECT linkledger_ensure_click_partition($1::date)";
constexpr char const* k_list_partitions = R"sql(
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'clicks'::regclass ORDER BY 1
)sql";
// Yesterday's salt is kept for clicks that arrive late; older ones are forgotten for good.
constexpr char const* k_forget_salts =
    "DELETE FROM daily_salts WHERE day < (now() AT TIME ZONE 'UTC')::date - 1";
constexpr char const* k_forget_uniques =
    "DELETE FROM click_uniques WHERE day < (now() AT TIME ZONE 'UTC')::date - 1";
// A kept click happened at most retention + 31 days ago (partitions go a whole month at a
// time), and was shipped that day or later, which set its User-Agent's last_seen to the ship
// day or later: a text unseen for longer is pointed to by no kept click. A second month of
// margin. Rows a shipper is refreshing are skipped, not waited for (nor deadlocked with).
constexpr char const* k_forget_user_agents = R"sql(
DELETE FROM user_agents WHERE id IN (
    SELECT id FROM user_agents WHERE last_seen < (now() AT TIME ZONE 'UTC')::date - $1::int
    FOR UPDATE SKIP LOCKED)
)sql";

} // namespace

void click_retention::upkeep(pqxx::connection& conn, std::chrono::system_clock::time_point now)
{
    pqxx::work tx(conn);
    // This month and the next two exist before any click needs them.
    std::chrono::year_month_day const today{std::chrono::floor<std::chrono::days>(now)};
    for (int ahead = 0; ahead < 3; ++ahead) {
        auto const month = std::chrono::year_month{today.year(), today.month()} + std::chrono::months(ahead);
        char day[16];
        std::snprintf(day, sizeof day, "%04d-%02u-01", static_cast<int>(month.year()),
                      static_cast<unsigned>(month.month()));
        tx.exec_params(k_ensure_partition, std::string(day));
    }
    // Raw clicks past the retention go a whole month at a time; the rollups remain.
    auto const cutoff = utc_day(now - std::chrono::days(retention_days_));
    auto const cutoff_month = cutoff.substr(0, 4) + cutoff.substr(5, 2);
    for (auto const& row : tx.exec(k_list_partitions)) {
        auto const name = row[0].as<std::string>(); // clicks_YYYYMM
        if (name.size() == 13 && name.substr(7) < cutoff_month) {
            tx.exec("DROP TABLE " + tx.quote_name(name));
            partitions_ready_.erase(name.substr(7, 4) + '-' + name.substr(11, 2) + "-01");
            logging::info("click retention: dropped partition {partition} (older than {days} days)",
                          {{"partition", name}, {"days", retention_days_}});
        }
    }
    tx.exec(k_forget_salts);
    tx.exec(k_forget_uniques);
    tx.commit();
    // Its own transaction, after the partitions' (a DROP holds clicks' strongest lock).
    pqxx::work texts(conn);
    texts.exec_params(k_forget_user_agents, static_cast<int>(retention_days_) + 62);
    texts.commit();
}

void click_retention::ensure_partitions(pqxx::connection& conn, std::set<std::string> const& first_days_of_months)
{
    for (auto const& month : first_days_of_months) {
        if (partitions_ready_.count(month))
            continue;
        pqxx::work tx(conn);
        tx.exec_params(k_ensure_partition, month);
        tx.commit();
        partitions_ready_.insert(month);
    }
}

} // namespace linkledger::clicks
