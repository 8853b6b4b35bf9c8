#include "clicks/click_batch_store.hpp"

#include "db/copy_writer.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>
#include <unordered_map>

namespace linkledger::clicks {
namespace {

void append_number(std::string& out, std::int64_t value)
{
    char text[24];
    auto const end = std::to_chars(text, text + sizeof text, value).ptr;
    out.append(text, end);
}

// user_agent is left to its default (''): the text is in user_agents (migration 0019).
std::vector<std::string> const k_columns{"click_id", "at", "link_id", "node_id", "ip_anon",
                                         "user_agent_id", "referer", "utm_source", "utm_medium",
                                         "utm_campaign", "utm_term", "utm_content", "source",
                                         "in_app", "device", "os", "country", "bot",
                                         "bot_reason", "visitor_hash", "rule"};

// The replay's staging table, shaped as clicks, for one transaction (replays are rare); with
// the defaults of the columns the COPY leaves out.
constexpr char const* k_create_staging =
    "CREATE TEMP TABLE click_batch (LIKE clicks INCLUDING DEFAULTS) ON COMMIT DROP";

constexpr char const* k_insert_missing = R"sql(
INSERT INTO clicks (click_id, at, link_id, node_id, ip_anon, user_agent_id, referer,
                    utm_source, utm_medium, utm_campaign, utm_term, utm_content,
                    source, in_app, device, os, country, bot, bot_reason, visitor_hash, rule)
SELECT click_id, at, link_id, node_id, ip_anon, user_agent_id, referer,
       utm_source, utm_medium, utm_campaign, utm_term, utm_content,
       source, in_app, device, os, country, bot, bot_reason, visitor_hash, rule
FROM click_batch
ON CONFLICT DO NOTHING
RETURNING click_id
)sql";

void copy_rows(pqxx::transaction_base& tx, std::string const& table, click_batch_rows const& batch,
               std::function<void(std::size_t)> const& after_row)
{
    db::copy_writer stream(tx, table, k_columns);
    std::string line;
    for (std::size_t i = 0; i < batch.clicks.size(); ++i) {
        auto const& c = batch.clicks[i];
        line.clear();
        db::append_copy_field(line, c.click_id);
        append_copy_timestamp(line, c.at);
        line += '\t';
        append_number(line, c.link_id);
        line += '\t';
        db::append_copy_field(line, batch.node_id);
        db::append_copy_field(line, c.ip_anon);
        append_number(line, batch.user_agents[i]);
        line += '\t';
        for (auto const* text : std::initializer_list<std::string const*>{
                 &c.referer, &c.utm_source, &c.utm_medium, &c.utm_campaign, &c.utm_term, &c.utm_content,
                 &c.source, &c.in_app, &c.device, &c.os, &c.country})
            db::append_copy_field(line, *text);
        db::append_copy_field(line, c.bot ? "t" : "f");
        db::append_copy_field(line, c.bot_reason);
        if (batch.hashes[i].empty())
            line += "\\N";
        else
            line.append("\\\\x").append(batch.hashes[i]);
        // The rule that chose the target: NULL for the link's own (and every click of a
        // journal written before smart redirects).
        line += '\t';
        if (c.rule == k_no_rule)
            line += "\\N";
        else
            append_number(line, c.rule);
        stream.write_line(line);
        if (after_row)
            after_row(i);
    }
    stream.complete();
}

} // namespace

void append_copy_timestamp(std::string& out, std::chrono::system_clock::time_point at)
{
    // By hand, not snprintf: this runs for every click shipped, and the format parsing was a
    // tenth of the shipper's time (perf, bench/ingest.sh).
    auto const micros = std::chrono::floor<std::chrono::microseconds>(at);
    auto const seconds = std::chrono::floor<std::chrono::seconds>(micros);
    auto const days = std::chrono::floor<std::chrono::days>(seconds);
    std::chrono::year_month_day const ymd{days};
    std::chrono::hh_mm_ss const hms{seconds - days};
    char text[32] = "0000-00-00 00:00:00.000000+00";
    auto const put = [&](std::size_t at_char, std::size_t width, long long value) {
        for (std::size_t i = 0; i < width; ++i, value /= 10)
            text[at_char + width - 1 - i] = static_cast<char>('0' + value % 10);
    };
    put(0, 4, static_cast<int>(ymd.year()));
    put(5, 2, static_cast<unsigned>(ymd.month()));
    put(8, 2, static_cast<unsigned>(ymd.day()));
    put(11, 2, hms.hours().count());
    put(14, 2, hms.minutes().count());
    put(17, 2, hms.seconds().count());
    put(20, 6, (micros - seconds).count());
    out.append(text, 29);
}

void store_clicks(pqxx::transaction_base& tx, click_batch_rows const& batch,
                  std::function<void(std::size_t)> const& after_row)
{
    // A batch within one month (nearly all) goes straight into that month's partition, which
    // spares PostgreSQL routing every row.
    auto const& days = batch.days;
    bool const one_month = !days.empty() && std::all_of(days.begin(), days.end(), [&](std::string const& d) {
        return d.compare(0, 7, days.front(), 0, 7) == 0;
    });
    auto const table = one_month ? "clicks_" + days.front().substr(0, 4) + days.front().substr(5, 2)
                                 : std::string("clicks");
    copy_rows(tx, table, batch, after_row);
}

std::vector<std::size_t> store_missing_clicks(pqxx::transaction_base& tx, click_batch_rows const& batch)
{
    tx.exec(k_create_staging);
    copy_rows(tx, "click_batch", batch, {});
    // Click ids are unique: a repeated one in a batch is the same click, stored (and counted) once.
    std::unordered_map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < batch.clicks.size(); ++i)
        position.emplace(batch.clicks[i].click_id, i);
    std::vector<std::size_t> stored;
    for (auto const& row : tx.exec(k_insert_missing))
        stored.push_back(position.at(row[0].as<std::string>()));
    return stored;
}

} // namespace linkledger::clicks
