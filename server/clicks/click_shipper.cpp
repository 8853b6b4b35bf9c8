#include "clicks/click_shipper.hpp"

#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"
#include "db/copy_writer.hpp"
#include "db/pg_array.hpp"

#include <pqxx/pqxx>
#include <pqxx/stream_to>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <tuple>

namespace linkledger::clicks {
namespace {

constexpr char const* k_create_batch_table = R"sql(
CREATE TEMP TABLE IF NOT EXISTS click_batch (
    click_id text, at timestamptz, link_id bigint, node_id text, ip_anon text, user_agent text,
    referer text, utm_source text, utm_medium text, utm_campaign text, utm_term text,
    utm_content text, source text, in_app text, device text, os text, country text,
    bot boolean, bot_reason text, visitor_hash text, rule text
) ON COMMIT DELETE ROWS
)sql";

// The replay path, for a batch some of whose clicks are already stored (a checkpoint lost with
// its database, a restored backup): one statement inserts what is missing, records first-seen
// visitors and adds both to the daily rollup, so nothing counts twice.
constexpr char const* k_insert_batch_deduplicated = R"sql(
WITH inserted AS (
    INSERT INTO clicks (click_id, at, link_id, node_id, ip_anon, user_agent, referer,
                        utm_source, utm_medium, utm_campaign, utm_term, utm_content,
                        source, in_app, device, os, country, bot, bot_reason, visitor_hash, rule)
    SELECT click_id, at, link_id, node_id, ip_anon, user_agent, referer,
           utm_source, utm_medium, utm_campaign, utm_term, utm_content,
           source, in_app, device, os, country, bot, bot_reason,
           CASE WHEN visitor_hash = '' THEN NULL ELSE decode(visitor_hash, 'hex') END,
           NULLIF(rule, '')::smallint
    FROM click_batch
    ON CONFLICT DO NOTHING
    RETURNING link_id, at, source, in_app, country, bot, visitor_hash
), firsts AS (
    INSERT INTO click_uniques (day, link_id, visitor_hash)
    SELECT DISTINCT (at AT TIME ZONE 'UTC')::date, link_id, visitor_hash
    FROM inserted WHERE NOT bot AND visitor_hash IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING day, link_id, visitor_hash
), first_dims AS (
    SELECT DISTINCT ON (f.day, f.link_id, f.visitor_hash)
           f.day, f.link_id, i.source, i.in_app, i.country, i.at
    FROM firsts f
    JOIN inserted i ON i.link_id = f.link_id AND i.visitor_hash = f.visitor_hash
                   AND (i.at AT TIME ZONE 'UTC')::date = f.day AND NOT i.bot
    ORDER BY f.day, f.link_id, f.visitor_hash, i.at
), counts AS (
    SELECT link_id, (at AT TIME ZONE 'UTC')::date AS day, source, in_app, country,
           count(*) FILTER (WHERE NOT bot) AS clicks, count(*) FILTER (WHERE bot) AS bot_hits
    FROM inserted GROUP BY 1, 2, 3, 4, 5
), uniques AS (
    SELECT link_id, day, source, in_app, country, count(*) AS unique_clicks
    FROM first_dims GROUP BY 1, 2, 3, 4, 5
), totals AS (
    INSERT INTO click_totals_daily AS t (day, link_id, source, clicks, unique_clicks, bot_hits)
    SELECT c.day, c.link_id, c.source, sum(c.clicks), COALESCE(sum(u.unique_clicks), 0), sum(c.bot_hits)
    FROM counts c LEFT JOIN uniques u USING (link_id, day, source, in_app, country)
    GROUP BY 1, 2, 3
    ON CONFLICT (day, link_id, source) DO UPDATE
    SET clicks = t.clicks + EXCLUDED.clicks,
        unique_clicks = t.unique_clicks + EXCLUDED.unique_clicks,
        bot_hits = t.bot_hits + EXCLUDED.bot_hits
), quarters AS (
    SELECT date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00') AS bucket, link_id, source,
           count(*) FILTER (WHERE NOT bot) AS clicks, count(*) FILTER (WHERE bot) AS bot_hits
    FROM inserted GROUP BY 1, 2, 3
), quarter_uniques AS (
    SELECT date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00') AS bucket, link_id, source, count(*) AS n
    FROM first_dims GROUP BY 1, 2, 3
), link_quarters AS (
    INSERT INTO click_totals_quarter_hourly AS q (bucket, link_id, source, clicks, unique_clicks, bot_hits)
    SELECT c.bucket, c.link_id, c.source, c.clicks, COALESCE(u.n, 0), c.bot_hits
    FROM quarters c LEFT JOIN quarter_uniques u USING (bucket, link_id, source)
    ON CONFLICT (bucket, link_id, source) DO UPDATE
    SET clicks = q.clicks + EXCLUDED.clicks,
        unique_clicks = q.unique_clicks + EXCLUDED.unique_clicks,
        bot_hits = q.bot_hits + EXCLUDED.bot_hits
), source_quarters AS (
    INSERT INTO click_rollups_quarter_hourly AS q (bucket, source, clicks, unique_clicks, bot_hits)
    SELECT c.bucket, c.source, sum(c.clicks), COALESCE(sum(u.n), 0), sum(c.bot_hits)
    FROM quarters c LEFT JOIN quarter_uniques u USING (bucket, link_id, source)
    GROUP BY 1, 2
    ON CONFLICT (bucket, source) DO UPDATE
    SET clicks = q.clicks + EXCLUDED.clicks,
        unique_clicks = q.unique_clicks + EXCLUDED.unique_clicks,
        bot_hits = q.bot_hits + EXCLUDED.bot_hits
)
INSERT INTO click_rollups_daily AS r (link_id, day, source, in_app, country, clicks, unique_clicks, bot_hits)
SELECT c.link_id, c.day, c.source, c.in_app, c.country, c.clicks, COALESCE(u.unique_clicks, 0), c.bot_hits
FROM counts c LEFT JOIN uniques u USING (link_id, day, source, in_app, country)
ON CONFLICT (link_id, day, source, in_app, country) DO UPDATE
SET clicks = r.clicks + EXCLUDED.clicks,
    unique_clicks = r.unique_clicks + EXCLUDED.unique_clicks,
    bot_hits = r.bot_hits + EXCLUDED.bot_hits
)sql";

constexpr char const* k_insert_uniques = R"sql(
INSERT INTO click_uniques (day, link_id, visitor_hash)
SELECT d, l, decode(h, 'hex')
FROM unnest($1::date[], $2::bigint[], $3::text[]) AS v(d, l, h)
ON CONFLICT DO NOTHING
RETURNING to_char(day, 'YYYY-MM-DD'), link_id, encode(visitor_hash, 'hex')
)sql";

constexpr char const* k_add_to_rollup = R"sql(
INSERT INTO click_rollups_daily AS r (link_id, day, source, in_app, country, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::bigint[], $2::date[], $3::text[], $4::text[], $5::text[],
                     $6::bigint[], $7::bigint[], $8::bigint[])
ON CONFLICT (link_id, day, source, in_app, country) DO UPDATE
SET clicks = r.clicks + EXCLUDED.clicks,
    unique_clicks = r.unique_clicks + EXCLUDED.unique_clicks,
    bot_hits = r.bot_hits + EXCLUDED.bot_hits
)sql";

constexpr char const* k_add_to_totals = R"sql(
INSERT INTO click_totals_daily AS r (day, link_id, source, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::date[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
ON CONFLICT (day, link_id, source) DO UPDATE
SET clicks = r.clicks + EXCLUDED.clicks,
    unique_clicks = r.unique_clicks + EXCLUDED.unique_clicks,
    bot_hits = r.bot_hits + EXCLUDED.bot_hits
)sql";

constexpr char const* k_add_to_link_quarters = R"sql(
INSERT INTO click_totals_quarter_hourly AS r (bucket, link_id, source, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
ON CONFLICT (bucket, link_id, source) DO UPDATE
SET clicks = r.clicks + EXCLUDED.clicks,
    unique_clicks = r.unique_clicks + EXCLUDED.unique_clicks,
    bot_hits = r.bot_hits + EXCLUDED.bot_hits
)sql";

constexpr char const* k_add_to_source_quarters = R"sql(
INSERT INTO click_rollups_quarter_hourly AS r (bucket, source, clicks, unique_clicks, bot_hits)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
ON CONFLICT (bucket, source) DO UPDATE
SET clicks = r.clicks + EXCLUDED.clicks,
    unique_clicks = r.unique_clicks + EXCLUDED.unique_clicks,
    bot_hits = r.bot_hits + EXCLUDED.bot_hits
)sql";

constexpr char const* k_save_checkpoint = R"sql(
INSERT INTO journal_checkpoints (node_id, segment, byte_offset, shipped, updated_at)
VALUES ($1, $2, $3, $4, now())
ON CONFLICT (node_id) DO UPDATE
SET segment = EXCLUDED.segment, byte_offset = EXCLUDED.byte_offset,
    shipped = journal_checkpoints.shipped + EXCLUDED.shipped, updated_at = now()
)sql";

constexpr char const* k_load_checkpoint =
    "SELECT segment, byte_offset FROM journal_checkpoints WHERE node_id = $1";
constexpr char const* k_insert_salt =
    "INSERT INTO daily_salts (day, salt) VALUES ($1::date, decode($2, 'hex')) ON CONFLICT DO NOTHING";
constexpr char const* k_select_salt = "SELECT encode(salt, 'hex') FROM daily_salts WHERE day = $1::date";
// Yesterday's salt is kept for clicks that arrive late; older ones are forgotten for good.
constexpr char const* k_forget_salts =
    "DELETE FROM daily_salts WHERE day < (now() AT TIME ZONE 'UTC')::date - 1";
constexpr char const* k_forget_uniques =
    "DELETE FROM click_uniques WHERE day < (now() AT TIME ZONE 'UTC')::date - 1";
constexpr char const* k_ensure_partition = "SELECT linkledger_ensure_click_partition($1::date)";
constexpr char const* k_list_partitions = R"sql(
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'clicks'::regclass ORDER BY 1
)sql";

std::string utc_day(std::chrono::system_clock::time_point at)
{
    auto const days = std::chrono::floor<std::chrono::days>(at);
    // Almost every click of a batch falls on the same day as the one before.
    thread_local std::chrono::sys_days cached_day{};
    thread_local std::string cached_text;
    if (days == cached_day && !cached_text.empty())
        return cached_text;
    std::chrono::year_month_day const ymd{days};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    cached_day = days;
    cached_text = text;
    return cached_text;
}

constexpr std::size_t k_max_counted_visitors = 500000;

std::string first_of_month(std::string const& day)
{
    return day.substr(0, 8) + "01";
}

std::string iso_timestamp(std::chrono::system_clock::time_point at)
{
    auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    auto const seconds = std::chrono::floor<std::chrono::seconds>(at);
    auto const days = std::chrono::floor<std::chrono::days>(seconds);
    std::chrono::year_month_day const ymd{days};
    std::chrono::hh_mm_ss const hms{seconds - days};
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld:%02ld.%06lld+00",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                  static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()),
                  static_cast<long long>(micros % 1000000));
    return text;
}

std::string visitor_hash(crypto::hmac_sha256& keyed, click const& c, std::string const& day)
{
    // Keyed with the day's salt: without the salt (deleted after the day) the hash cannot be
    // recomputed from an address, and across days the same visitor hashes differently.
    std::string message;
    message.reserve(c.ip_anon.size() + c.user_agent.size() + 40);
    message.append(c.ip_anon).push_back('\0');
    message.append(c.user_agent).push_back('\0');
    message.append(std::to_string(c.link_id)).push_back('\0');
    message.append(day);
    return crypto::to_hex(keyed.mac(message));
}

std::string from_hex(std::string const& hex)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

} // namespace

click_shipper::click_shipper(click_journal& journal, std::string database_url, std::string node_id,
                             shipper_options options)
    : journal_(journal), database_url_(std::move(database_url)), node_id_(std::move(node_id)),
      options_(options)
{
}

click_shipper::~click_shipper()
{
    stop(false, std::chrono::seconds(0));
}

void click_shipper::start()
{
    thread_ = std::thread([this] { run(); });
}

void click_shipper::stop(bool drain, std::chrono::seconds deadline)
{
    {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable())
            return;
        stopping_ = true;
        draining_ = drain;
        drain_deadline_ = std::chrono::steady_clock::now() + deadline;
    }
    wake_.notify_all();
    thread_.join();
}

shipper_status click_shipper::status() const
{
    std::lock_guard lock(mutex_);
    auto s = status_;
    auto const appended = journal_.appended() - appended_at_start_;
    auto const owed = initial_backlog_ + appended;
    s.backlog_clicks = owed > s.shipped ? owed - s.shipped : 0;
    s.backlog_bytes = position_loaded_ ? journal_.bytes_after(position_) : 0;
    if (s.backlog_clicks > 0 && oldest_pending_.time_since_epoch().count() != 0)
        s.lag_seconds = std::max(0.0, std::chrono::duration<double>(std::chrono::system_clock::now() -
                                                                   oldest_pending_).count());
    return s;
}

void click_shipper::connect()
{
    if (conn_ && conn_->is_open())
        return;
    conn_.reset();
    auto conn = std::make_unique<pqxx::connection>(database_url_);
    if (options_.database) {
        // Checked on every connection, not only at start: the address may lead to another
        // cluster after an outage (a re-initialised volume, a DNS change, a failover).
        auto const reached = read_database_identity(*conn);
        if (reached != *options_.database)
            throw journal_binding_mismatch(
                "the database reached is " + reached.text() + ", but the click journal belongs to " +
                options_.database->text() + ": nothing is shipped until LINKLEDGER_DATABASE_URL reaches " +
                options_.database->text() + " again (restart to re-check the journal against it)");
    }
    pqxx::nontransaction tx(*conn);
    tx.exec(k_create_batch_table);
    conn_ = std::move(conn);
    hashers_.clear();
    partitions_ready_.clear();
}

void click_shipper::load_checkpoint()
{
    pqxx::read_transaction tx(*conn_);
    auto const rows = tx.exec_params(k_load_checkpoint, node_id_);
    std::lock_guard lock(mutex_);
    if (!rows.empty())
        position_ = {rows[0][0].as<std::uint64_t>(), rows[0][1].as<std::uint64_t>()};
    position_loaded_ = true;
}

void click_shipper::count_initial_backlog()
{
    auto const appended_before = journal_.appended();
    std::uint64_t pending = 0;
    auto at = position_;
    for (;;) {
        auto const batch = journal_.read(at, 50000);
        pending += batch.clicks.size();
        if (batch.clicks.empty() && batch.next == at)
            break;
        at = batch.next;
    }
    std::lock_guard lock(mutex_);
    // Clicks appended while counting are in both numbers; counting them twice would only
    // overstate the backlog by a few, never hide one.
    initial_backlog_ = pending > appended_before ? pending - appended_before : 0;
    appended_at_start_ = 0;
    spdlog::info("click shipper: node={} checkpoint segment={} offset={} backlog={}", node_id_,
                 position_.segment, position_.offset, pending);
}

crypto::hmac_sha256& click_shipper::hasher_for(std::string const& day)
{
    if (auto const it = hashers_.find(day); it != hashers_.end())
        return it->second;
    unsigned char fresh[32];
    crypto::random_bytes(fresh, sizeof fresh);
    pqxx::work tx(*conn_);
    tx.exec_params(k_insert_salt, day, crypto::to_hex({reinterpret_cast<char const*>(fresh), sizeof fresh}));
    auto const salt = from_hex(tx.exec_params1(k_select_salt, day)[0].as<std::string>());
    tx.commit();
    return hashers_.emplace(day, crypto::hmac_sha256(salt)).first->second;
}

void click_shipper::maintain_partitions()
{
    auto const now = std::chrono::system_clock::now();
    {
        pqxx::work tx(*conn_);
        // This month and the next two exist before any click needs them.
        auto const today = std::chrono::floor<std::chrono::days>(now);
        std::chrono::year_month_day const ymd{today};
        for (int ahead = 0; ahead < 3; ++ahead) {
            auto const month = std::chrono::year_month{ymd.year(), ymd.month()} + std::chrono::months(ahead);
            char day[16];
            std::snprintf(day, sizeof day, "%04d-%02u-01", static_cast<int>(month.year()),
                          static_cast<unsigned>(month.month()));
            tx.exec_params(k_ensure_partition, std::string(day));
        }
        // Raw clicks past the retention go a whole month at a time; the rollups remain.
        auto const cutoff = utc_day(now - std::chrono::days(options_.retention_days));
        auto const cutoff_month = cutoff.substr(0, 4) + cutoff.substr(5, 2);
        for (auto const& row : tx.exec(k_list_partitions)) {
            auto const name = row[0].as<std::string>(); // clicks_YYYYMM
            if (name.size() == 13 && name.substr(7) < cutoff_month) {
                tx.exec("DROP TABLE " + tx.quote_name(name));
                spdlog::info("click retention: dropped partition {} (older than {} days)", name,
                             options_.retention_days);
            }
        }
        tx.exec(k_forget_salts);
        tx.exec(k_forget_uniques);
        tx.commit();
    }
    for (auto it = hashers_.begin(); it != hashers_.end();)
        it = it->first < utc_day(now - std::chrono::days(1)) ? hashers_.erase(it) : std::next(it);
    next_maintenance_ = std::chrono::steady_clock::now() + std::chrono::hours(1);
}

std::size_t click_shipper::ship(journal_batch const& batch)
{
    std::set<std::string> months;
    std::vector<std::string> days(batch.clicks.size());
    for (std::size_t i = 0; i < batch.clicks.size(); ++i) {
        days[i] = utc_day(batch.clicks[i].at);
        months.insert(first_of_month(days[i]));
    }
    for (auto const& month : months) {
        if (partitions_ready_.count(month))
            continue;
        pqxx::work tx(*conn_);
        tx.exec_params(k_ensure_partition, month);
        tx.commit();
        partitions_ready_[month] = true;
    }
    std::vector<std::string> hashes(batch.clicks.size());
    for (std::size_t i = 0; i < batch.clicks.size(); ++i)
        if (!batch.clicks[i].bot)
            hashes[i] = visitor_hash(hasher_for(days[i]), batch.clicks[i], days[i]);

    try {
        ship_fast(batch, days, hashes);
    } catch (pqxx::sql_error const& e) {
        if (e.sqlstate() != "23505")
            throw;
        // Some of these clicks are stored already: insert only the missing ones.
        spdlog::warn("click shipper: batch at segment {} offset {} partly stored already; deduplicating",
                     batch.next.segment, batch.next.offset);
        ship_deduplicated(batch, hashes);
    }
    return batch.clicks.size();
}

namespace {

struct rollup_row {
    std::int64_t clicks = 0;
    std::int64_t unique_clicks = 0;
    std::int64_t bot_hits = 0;
};
// The finest grain a batch is counted at; the four rollup tables are sums of it.
using fine_key = std::tuple<std::int64_t, std::string, std::string, std::string, std::string>; // link, "YYYY-MM-DD HH:QQ" (UTC quarter-hour), source, in_app, country

template <class Key, class KeyOf>
std::map<Key, rollup_row> coarsen(std::map<fine_key, rollup_row> const& fine, KeyOf key_of)
{
    std::map<Key, rollup_row> out;
    for (auto const& [key, row] : fine) {
        auto& sum = out[key_of(key)];
        sum.clicks += row.clicks;
        sum.unique_clicks += row.unique_clicks;
        sum.bot_hits += row.bot_hits;
    }
    return out;
}

void add_counts(std::vector<std::string>& clicks, std::vector<std::string>& uniques,
                std::vector<std::string>& bots, rollup_row const& row)
{
    clicks.push_back(std::to_string(row.clicks));
    uniques.push_back(std::to_string(row.unique_clicks));
    bots.push_back(std::to_string(row.bot_hits));
}

void add_to_rollups(pqxx::work& tx, std::map<fine_key, rollup_row> const& fine)
{
    using daily_key = std::tuple<std::int64_t, std::string, std::string, std::string, std::string>;
    auto const daily = coarsen<daily_key>(fine, [](fine_key const& k) {
        return daily_key{std::get<0>(k), std::get<1>(k).substr(0, 10), std::get<2>(k), std::get<3>(k), std::get<4>(k)};
    });
    std::vector<std::string> links, days, sources, apps, countries, clicks, uniques, bots;
    for (auto const& [key, row] : daily) {
        links.push_back(std::to_string(std::get<0>(key)));
        days.push_back(std::get<1>(key));
        sources.push_back(std::get<2>(key));
        apps.push_back(std::get<3>(key));
        countries.push_back(std::get<4>(key));
        add_counts(clicks, uniques, bots, row);
    }
    tx.exec_params(k_add_to_rollup, db::to_pg_array(links), db::to_pg_array(days), db::to_pg_array(sources),
                   db::to_pg_array(apps), db::to_pg_array(countries), db::to_pg_array(clicks),
                   db::to_pg_array(uniques), db::to_pg_array(bots));

    using totals_key = std::tuple<std::string, std::int64_t, std::string>;
    auto const totals = coarsen<totals_key>(fine, [](fine_key const& k) {
        return totals_key{std::get<1>(k).substr(0, 10), std::get<0>(k), std::get<2>(k)};
    });
    links.clear(), days.clear(), sources.clear(), clicks.clear(), uniques.clear(), bots.clear();
    for (auto const& [key, row] : totals) {
        days.push_back(std::get<0>(key));
        links.push_back(std::to_string(std::get<1>(key)));
        sources.push_back(std::get<2>(key));
        add_counts(clicks, uniques, bots, row);
    }
    tx.exec_params(k_add_to_totals, db::to_pg_array(days), db::to_pg_array(links), db::to_pg_array(sources),
                   db::to_pg_array(clicks), db::to_pg_array(uniques), db::to_pg_array(bots));

    // Quarter-hours, so that a report can file clicks under the days and hours of any zone
    // (Asia/Kolkata is +05:30, Asia/Kathmandu +05:45).
    using link_quarter_key = std::tuple<std::string, std::int64_t, std::string>;
    auto const link_quarters = coarsen<link_quarter_key>(fine, [](fine_key const& k) {
        return link_quarter_key{std::get<1>(k) + ":00+00", std::get<0>(k), std::get<2>(k)};
    });
    std::vector<std::string> buckets;
    links.clear(), sources.clear(), clicks.clear(), uniques.clear(), bots.clear();
    for (auto const& [key, row] : link_quarters) {
        buckets.push_back(std::get<0>(key));
        links.push_back(std::to_string(std::get<1>(key)));
        sources.push_back(std::get<2>(key));
        add_counts(clicks, uniques, bots, row);
    }
    tx.exec_params(k_add_to_link_quarters, db::to_pg_array(buckets), db::to_pg_array(links), db::to_pg_array(sources),
                   db::to_pg_array(clicks), db::to_pg_array(uniques), db::to_pg_array(bots));

    using source_quarter_key = std::pair<std::string, std::string>;
    auto const source_quarters = coarsen<source_quarter_key>(fine, [](fine_key const& k) {
        return source_quarter_key{std::get<1>(k) + ":00+00", std::get<2>(k)};
    });
    buckets.clear(), sources.clear(), clicks.clear(), uniques.clear(), bots.clear();
    for (auto const& [key, row] : source_quarters) {
        buckets.push_back(key.first);
        sources.push_back(key.second);
        add_counts(clicks, uniques, bots, row);
    }
    tx.exec_params(k_add_to_source_quarters, db::to_pg_array(buckets), db::to_pg_array(sources),
                   db::to_pg_array(clicks), db::to_pg_array(uniques), db::to_pg_array(bots));
}

// "YYYY-MM-DD HH:MM..." (iso_timestamp) -> "YYYY-MM-DD HH:QQ", the start of its quarter-hour.
std::string quarter_hour_of(std::string const& at)
{
    std::string quarter = at.substr(0, 16);
    int const minute = (at[14] - '0') * 10 + (at[15] - '0');
    int const start = minute / 15 * 15;
    quarter[14] = static_cast<char>('0' + start / 10);
    quarter[15] = static_cast<char>('0' + start % 10);
    return quarter;
}

} // namespace

void click_shipper::ship_fast(journal_batch const& batch, std::vector<std::string> const& days,
                              std::vector<std::string> const& hashes)
{
    // The usual path: COPY straight into clicks, rollups summed here. A duplicate click id
    // makes the COPY fail and the whole transaction roll back, so nothing is half-counted.
    std::map<fine_key, rollup_row> fine;
    // First click of each visitor not yet known to be counted: (day, link, hash) -> its key.
    std::map<std::string, fine_key> candidates;
    std::vector<std::string> cand_days, cand_links, cand_hashes;

    pqxx::work tx(*conn_);
    {
        // A batch within one month (nearly all) goes straight into that month's partition,
        // which spares PostgreSQL routing every row.
        auto const first = days.empty() ? std::string() : first_of_month(days.front());
        bool const one_month = std::all_of(days.begin(), days.end(), [&](std::string const& d) {
            return d.compare(0, 7, first, 0, 7) == 0;
        });
        auto const table = one_month && !first.empty()
                               ? "clicks_" + first.substr(0, 4) + first.substr(5, 2)
                               : std::string("clicks");
        db::copy_writer stream(tx, table,
                               std::vector<std::string>{"click_id", "at", "link_id", "node_id", "ip_anon",
                                                        "user_agent", "referer", "utm_source", "utm_medium",
                                                        "utm_campaign", "utm_term", "utm_content", "source",
                                                        "in_app", "device", "os", "country", "bot",
                                                        "bot_reason", "visitor_hash", "rule"});
        // Rows are formatted here rather than by pqxx's tuple escaper, which cost more CPU
        // than the rest of shipping together (it formats each field through a stream).
        std::string line;
        for (std::size_t i = 0; i < batch.clicks.size(); ++i) {
            auto const& c = batch.clicks[i];
            line.clear();
            db::append_copy_field(line, c.click_id);
            auto const at = iso_timestamp(c.at);
            db::append_copy_field(line, at);
            db::append_copy_field(line, std::to_string(c.link_id));
            for (auto const* text : std::initializer_list<std::string const*>{&node_id_, &c.ip_anon, &c.user_agent, &c.referer, &c.utm_source,
                                     &c.utm_medium, &c.utm_campaign, &c.utm_term, &c.utm_content,
                                     &c.source, &c.in_app, &c.device, &c.os, &c.country})
                db::append_copy_field(line, *text);
            db::append_copy_field(line, c.bot ? "t" : "f");
            db::append_copy_field(line, c.bot_reason);
            if (hashes[i].empty())
                line += "\\N";
            else
                line.append("\\\\x").append(hashes[i]);
            // The rule that chose the target: NULL for the link's own (and every click of a
            // journal written before smart redirects).
            line += '\t';
            if (c.rule == k_no_rule)
                line += "\\N";
            else
                line += std::to_string(c.rule);
            stream.write_line(line);
            fine_key key{c.link_id, quarter_hour_of(at), c.source, c.in_app, c.country};
            auto& row = fine[key];
            if (c.bot) {
                ++row.bot_hits;
                continue;
            }
            ++row.clicks;
            auto visitor = days[i] + '|' + std::to_string(c.link_id) + '|' + hashes[i];
            if (counted_visitors_.count(visitor) || candidates.count(visitor))
                continue;
            candidates.emplace(visitor, key);
            cand_days.push_back(days[i]);
            cand_links.push_back(std::to_string(c.link_id));
            cand_hashes.push_back(hashes[i]);
        }
        stream.complete();
    }
    if (!candidates.empty()) {
        auto const fresh = tx.exec_params(k_insert_uniques, db::to_pg_array(cand_days),
                                          db::to_pg_array(cand_links), db::to_pg_array(cand_hashes));
        for (auto const& row : fresh) {
            auto const visitor = row[0].as<std::string>() + '|' + row[1].as<std::string>() + '|' +
                                 row[2].as<std::string>();
            if (auto const it = candidates.find(visitor); it != candidates.end())
                ++fine[it->second].unique_clicks;
        }
    }
    add_to_rollups(tx, fine);
    tx.exec_params(k_save_checkpoint, node_id_, batch.next.segment, batch.next.offset,
                   static_cast<long long>(batch.clicks.size()));
    tx.commit();
    // Remembered only once committed; a visitor inserted by another node is simply not
    // returned by the insert above and counts once, there.
    if (counted_visitors_.size() > k_max_counted_visitors)
        counted_visitors_.clear();
    for (auto& [visitor, key] : candidates)
        counted_visitors_.insert(visitor);
}

void click_shipper::ship_deduplicated(journal_batch const& batch, std::vector<std::string> const& hashes)
{
    pqxx::work tx(*conn_);
    {
        pqxx::stream_to stream(tx, "click_batch");
        for (std::size_t i = 0; i < batch.clicks.size(); ++i) {
            auto const& c = batch.clicks[i];
            stream << std::make_tuple(c.click_id, iso_timestamp(c.at), c.link_id, node_id_, c.ip_anon,
                                      c.user_agent, c.referer, c.utm_source, c.utm_medium,
                                      c.utm_campaign, c.utm_term, c.utm_content, c.source, c.in_app,
                                      c.device, c.os, c.country, c.bot, c.bot_reason, hashes[i],
                                      c.rule == k_no_rule ? std::string() : std::to_string(c.rule));
        }
        stream.complete();
    }
    tx.exec(k_insert_batch_deduplicated);
    tx.exec_params(k_save_checkpoint, node_id_, batch.next.segment, batch.next.offset,
                   static_cast<long long>(batch.clicks.size()));
    tx.commit();
}

journal_batch click_shipper::next_batch()
{
    if (prefetch_.valid()) {
        auto batch = prefetch_.get();
        if (prefetch_from_ == position_)
            return batch;
    }
    return journal_.read(position_, options_.batch_size);
}

void click_shipper::start_prefetch(journal_position from)
{
    prefetch_from_ = from;
    prefetch_ = std::async(std::launch::async,
                           [this, from] { return journal_.read(from, options_.batch_size); });
}

void click_shipper::record_failure(std::exception const& e)
{
    conn_.reset();
    std::lock_guard lock(mutex_);
    status_.database_up = false;
    status_.last_error = e.what();
    auto const now = std::chrono::steady_clock::now();
    if (now - last_error_log_ > std::chrono::seconds(10)) {
        last_error_log_ = now;
        if (dynamic_cast<journal_binding_mismatch const*>(&e) != nullptr)
            spdlog::error("click shipper: clicks wait in the journal: {}", e.what());
        else
            spdlog::warn("click shipper: PostgreSQL unavailable, clicks wait in the journal: {}", e.what());
    }
}

void click_shipper::save_binding_position(bool force)
{
    if (!options_.database || !position_loaded_ || binding_saved_ == position_)
        return;
    auto const now = std::chrono::steady_clock::now();
    // Busy, at most once a second: a binding that lags only makes the start check cautious.
    if (!force && now - binding_saved_at_ < std::chrono::seconds(1))
        return;
    binding_saved_at_ = now;
    try {
        save_binding(journal_.directory(), {*options_.database, position_});
        binding_saved_ = position_;
    } catch (std::exception const& e) {
        spdlog::warn("click shipper: {} (the next start may count shipped clicks as unshipped)", e.what());
    }
}

void click_shipper::run()
{
    auto backoff = std::chrono::milliseconds(100);
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (stopping_) {
                bool const can_drain = draining_ && status_.database_up &&
                                       std::chrono::steady_clock::now() < drain_deadline_;
                if (!can_drain)
                    break;
            }
        }
        try {
            bool const fresh = !conn_ || !conn_->is_open();
            connect();
            if (fresh) {
                if (!position_loaded_) {
                    load_checkpoint();
                    count_initial_backlog();
                    save_binding_position(true);
                }
                maintain_partitions();
                std::lock_guard lock(mutex_);
                status_.database_up = true;
                status_.last_error.clear();
                backoff = std::chrono::milliseconds(100);
            }
            if (std::chrono::steady_clock::now() >= next_maintenance_)
                maintain_partitions();

            auto const batch = next_batch();
            if (!batch.clicks.empty()) {
                // Behind: reading and decoding the next batch overlaps with PostgreSQL taking
                // this one. Caught up: the next batch is read after a pause (below).
                bool const behind = batch.clicks.size() >= options_.batch_size / 2;
                if (behind)
                    start_prefetch(batch.next);
                {
                    std::lock_guard lock(mutex_);
                    oldest_pending_ = batch.clicks.front().at;
                }
                auto const shipped = ship(batch);
                journal_.remove_segments_before(batch.next.segment);
                {
                    std::lock_guard lock(mutex_);
                    position_ = batch.next;
                    status_.shipped += shipped;
                    status_.skipped_bytes += batch.skipped_bytes;
                }
                save_binding_position(false);
                std::unique_lock lock(mutex_);
                if (!behind && !stopping_) {
                    // A partial batch means we have caught up: let the next one fill a while,
                    // since each transaction costs far more than each extra row in it.
                    wake_.wait_for(lock, options_.idle_poll, [this] { return stopping_; });
                }
                continue;
            }
            {
                std::unique_lock lock(mutex_);
                position_ = batch.next; // may have moved past finished, empty segments
                status_.skipped_bytes += batch.skipped_bytes;
                if (stopping_)
                    break; // drained
            }
            journal_.remove_segments_before(batch.next.segment);
            save_binding_position(true); // caught up: a no-op unless the position moved
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, options_.idle_poll, [this] { return stopping_; });
        } catch (std::exception const& e) {
            record_failure(e);
            // The lag is the age of the oldest click still waiting, read from the journal.
            auto const waiting = journal_.read(position_, 1);
            std::unique_lock lock(mutex_);
            if (!waiting.clicks.empty())
                oldest_pending_ = waiting.clicks.front().at;
            wake_.wait_for(lock, backoff, [this] { return stopping_; });
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
        }
    }
    save_binding_position(true);
    auto const s = status();
    spdlog::info("click shipper stopped: shipped={} backlog={} database={}", s.shipped,
                 s.backlog_clicks, s.database_up ? "up" : "down");
}

} // namespace linkledger::clicks
