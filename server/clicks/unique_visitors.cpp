#include "clicks/unique_visitors.hpp"

#include "db/pg_array.hpp"
#include "http/percent_decoding.hpp"
#include "logging/logging.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <unordered_map>

namespace linkledger::clicks {
namespace {

constexpr char const* k_insert_uniques = R"sql(
INSERT INTO click_uniques (day, link_id, visitor_hash)
SELECT d, l, decode(h, 'hex')
FROM unnest($1::date[], $2::bigint[], $3::text[]) AS v(d, l, h)
ON CONFLICT DO NOTHING
RETURNING to_char(day, 'YYYY-MM-DD'), link_id, encode(visitor_hash, 'hex')
)sql";

// Bounds the cache (about 60 bytes an entry with the set's own: some 15 MB); when cleared, a
// visitor's later clicks only cost a marker insert that returns nothing.
constexpr std::size_t k_max_counted_visitors = 250000;

} // namespace

std::size_t unique_visitors::visitor_hasher::operator()(visitor const& v) const noexcept
{
    // The hash bytes are already uniformly spread (an HMAC); mixing in day and link is enough.
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < 8; ++i)
        h = (h << 8) | v.hash[i];
    return static_cast<std::size_t>(h ^ (static_cast<std::uint64_t>(v.link_id) * 0x9E3779B97F4A7C15ull) ^ v.day);
}

std::optional<unique_visitors::visitor> unique_visitors::make_visitor(std::string_view day, std::int64_t link_id,
                                                                      std::string_view hash_hex)
{
    if (day.size() != 10 || day[4] != '-' || day[7] != '-' || hash_hex.size() < 32)
        return std::nullopt;
    visitor v;
    v.link_id = link_id;
    for (std::size_t i = 0; i < day.size(); ++i) {
        if (i == 4 || i == 7)
            continue;
        if (day[i] < '0' || day[i] > '9')
            return std::nullopt;
        v.day = v.day * 10 + static_cast<std::uint32_t>(day[i] - '0');
    }
    for (std::size_t i = 0; i < v.hash.size(); ++i) {
        int const hi = http::hex_digit(hash_hex[2 * i]);
        int const lo = http::hex_digit(hash_hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        v.hash[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return v;
}

void unique_visitors::start_batch()
{
    candidates_.clear();
    days_.clear();
    links_.clear();
    hashes_.clear();
    pending_.clear();
}

void unique_visitors::consider(std::size_t position, click const& c, std::string const& day, std::string const& hash)
{
    if (c.bot || hash.empty())
        return;
    auto const visitor = make_visitor(day, c.link_id, hash);
    if (!visitor) {
        // Both come from the shipper itself (utc_day, visitor_hash): never seen, but a stuck
        // shipper would cost every later click, while this costs one visitor's unique. One
        // line a minute at most: it would repeat for every click.
        static std::atomic<std::int64_t> last_log{0};
        auto const now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
        if (now - last_log.load(std::memory_order_relaxed) >= 60) {
            last_log.store(now, std::memory_order_relaxed);
            logging::error("unique visitors: a malformed day {day} or visitor hash, not counted", {{"day", day}});
        }
        return;
    }
    if (counted_.count(*visitor) || candidates_.count(*visitor))
        return;
    candidates_.emplace(*visitor, position);
    days_.push_back(day);
    links_.push_back(std::to_string(c.link_id));
    hashes_.push_back(hash);
}

std::vector<std::size_t> unique_visitors::mark(pqxx::transaction_base& tx)
{
    std::vector<std::size_t> first_visits;
    if (!candidates_.empty()) {
        auto const fresh = tx.exec_params(k_insert_uniques, db::to_pg_array(days_), db::to_pg_array(links_),
                                          db::to_pg_array(hashes_));
        for (auto const& row : fresh) {
            auto const visitor = make_visitor(std::string_view(row[0].c_str(), row[0].size()), row[1].as<std::int64_t>(),
                                              std::string_view(row[2].c_str(), row[2].size()));
            if (!visitor)
                continue;
            if (auto const it = candidates_.find(*visitor); it != candidates_.end())
                first_visits.push_back(it->second);
        }
    }
    // Every candidate has a marker once `tx` commits: this node's, or one stored before.
    for (auto const& candidate : candidates_)
        pending_.push_back(candidate.first);
    return first_visits;
}

void unique_visitors::committed()
{
    // Remembered only once committed; a visitor marked by another node was simply not
    // returned by the insert and counts once, there.
    if (counted_.size() > k_max_counted_visitors)
        counted_.clear();
    counted_.insert(pending_.begin(), pending_.end());
    pending_.clear();
}

} // namespace linkledger::clicks
