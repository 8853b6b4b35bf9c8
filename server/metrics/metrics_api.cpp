#include "metrics/metrics_api.hpp"

#include "crypto/digest.hpp"
#include "http/authorization.hpp"
#include "http/http_error.hpp"
#include "logging/logging.hpp"

#include <pqxx/pqxx>

#include <utility>
#include <vector>

namespace linkledger::metrics {
namespace {

// The conversions table arrives with a later migration; until then there is nothing to count
// (and a query naming it would fail), so its presence is checked first.
constexpr char const* k_conversions_exist = "SELECT to_regclass('conversions') IS NOT NULL";
constexpr char const* k_conversions_by_status =
    "SELECT status, count(*) FROM conversions GROUP BY status ORDER BY status";

using status_counts = std::vector<std::pair<std::string, std::uint64_t>>;

struct conversion_scrape {
    bool ok = false;
    status_counts counts;
};

} // namespace

void metrics_api::add_routes(http::router& routes)
{
    routes.add(http::verb::get, "/metrics",
               [this](http::request_context& ctx) { return scrape(ctx); });
}

void metrics_api::render_process(prometheus_text& out) const
{
    out.family("linkledger_redirects_total", "counter",
               "Redirects answered 302, by kind: click (counted) or bot (bots, previewers, HEAD).");
    out.sample("linkledger_redirects_total", {{"kind", "click"}}, redirects_.total(redirect_outcome::click));
    out.sample("linkledger_redirects_total", {{"kind", "bot"}}, redirects_.total(redirect_outcome::bot));
    out.family("linkledger_redirect_misses_total", "counter",
               "Short-link requests not redirected: unknown slug (404) or retired link (410).");
    out.sample("linkledger_redirect_misses_total", {{"reason", "not_found"}},
               redirects_.total(redirect_outcome::not_found));
    out.sample("linkledger_redirect_misses_total", {{"reason", "gone"}}, redirects_.total(redirect_outcome::gone));

    auto const s = shipper_.status();
    out.family("linkledger_clicks_journaled_total", "counter",
               "Clicks (bots included) written to this node's journal since start.");
    out.sample("linkledger_clicks_journaled_total", {}, journal_.appended());
    out.family("linkledger_clicks_bots_total", "counter",
               "Journaled hits flagged as bots, previewers or HEAD requests since start.");
    out.sample("linkledger_clicks_bots_total", {}, redirects_.total(redirect_outcome::bot));
    out.family("linkledger_clicks_shipped_total", "counter",
               "Clicks this process shipped from its journal to PostgreSQL since start.");
    out.sample("linkledger_clicks_shipped_total", {}, s.shipped);
    out.family("linkledger_journal_write_failures_total", "counter",
               "Clicks that could not be written to the journal (full disk, lost directory).");
    out.sample("linkledger_journal_write_failures_total", {}, journal_.write_failures());
    out.family("linkledger_clicks_dropped_total", "counter",
               "Clicks redirected but not recorded: journal_budget, the journal's disk budget "
               "(LINKLEDGER_JOURNAL_MAX_BYTES) was spent while shipping was behind.");
    out.sample("linkledger_clicks_dropped_total", {{"reason", "journal_budget"}}, journal_.dropped_over_budget());
    out.family("linkledger_journal_disk_bytes", "gauge", "Bytes of journal segments on disk, as the budget counts them.");
    out.sample("linkledger_journal_disk_bytes", {}, journal_.disk_bytes());
    out.family("linkledger_journal_max_bytes", "gauge", "The journal's disk budget (0: none).");
    out.sample("linkledger_journal_max_bytes", {}, journal_.max_bytes());
    out.family("linkledger_journal_backlog_clicks", "gauge", "Journaled clicks not yet in PostgreSQL.");
    out.sample("linkledger_journal_backlog_clicks", {}, s.backlog_clicks);
    out.family("linkledger_journal_backlog_bytes", "gauge", "Journal bytes not yet shipped.");
    out.sample("linkledger_journal_backlog_bytes", {}, s.backlog_bytes);
    out.family("linkledger_journal_segments", "gauge", "Journal segment files on disk.");
    out.sample("linkledger_journal_segments", {}, static_cast<std::uint64_t>(journal_.segments().size()));
    out.family("linkledger_click_writer_lag_seconds", "gauge",
               "Age of the oldest click not yet in PostgreSQL (0 when all are shipped).");
    out.sample("linkledger_click_writer_lag_seconds", {}, s.lag_seconds);
    out.family("linkledger_click_writer_database_up", "gauge",
               "1 when the click writer's PostgreSQL connection works.");
    out.sample("linkledger_click_writer_database_up", {}, std::uint64_t{s.database_up ? 1u : 0u});

    auto const pool = database_.pool_usage();
    out.family("linkledger_db_pool_connections", "gauge", "Size of the PostgreSQL connection pool.");
    out.sample("linkledger_db_pool_connections", {}, static_cast<std::uint64_t>(pool.size));
    out.family("linkledger_db_pool_connections_in_use", "gauge", "Pooled connections running a query.");
    out.sample("linkledger_db_pool_connections_in_use", {}, static_cast<std::uint64_t>(pool.in_use));
    out.family("linkledger_db_pool_connections_open", "gauge", "Pooled connections currently connected.");
    out.sample("linkledger_db_pool_connections_open", {}, static_cast<std::uint64_t>(pool.open));
    out.family("linkledger_db_pool_queued_queries", "gauge", "Queries waiting for a pooled connection.");
    out.sample("linkledger_db_pool_queued_queries", {}, static_cast<std::uint64_t>(pool.waiting));
}

net::awaitable<http::response> metrics_api::scrape(http::request_context& ctx)
{
    if (!token_.empty()) {
        auto const given = http::bearer_token(ctx.req[http::bhttp::field::authorization]);
        if (!given || !crypto::constant_time_equal(*given, token_))
            throw http::http_error(http::status::unauthorized, "unauthorized",
                                   "the metrics token is missing or wrong: Authorization: Bearer <token>",
                                   "Authorization");
    }
    conversion_scrape conversions;
    try {
        // Captures by reference: see database::run on g++ 12 and coroutine temporaries.
        auto const scraped = co_await database_.run([&](pqxx::connection& conn) {
            conversion_scrape result;
            pqxx::nontransaction tx(conn);
            if (tx.exec1(k_conversions_exist)[0].as<bool>())
                for (auto const& row : tx.exec(k_conversions_by_status))
                    result.counts.emplace_back(row[0].is_null() ? "" : row[0].as<std::string>(),
                                               row[1].as<std::uint64_t>());
            result.ok = true;
            return result;
        });
        conversions = scraped;
    } catch (std::exception const& e) {
        // A scrape must still answer while PostgreSQL is down: that is when it matters most.
        logging::warn("metrics: conversions not counted: {error}", {{"error", e.what()}});
    }

    prometheus_text out;
    http_.render(out);
    render_process(out);
    for (auto const& section : sections_)
        section(out);
    out.family("linkledger_conversions", "gauge", "Conversions in the database, by status.");
    for (auto const& [status, count] : conversions.counts)
        out.sample("linkledger_conversions", {{"status", status}}, count);
    out.family("linkledger_metrics_database_up", "gauge",
               "1 when this scrape could query PostgreSQL (conversions are missing otherwise).");
    out.sample("linkledger_metrics_database_up", {}, std::uint64_t{conversions.ok ? 1u : 0u});

    http::response res{http::status::ok, 11};
    res.set(http::bhttp::field::content_type, k_content_type);
    res.set(http::bhttp::field::cache_control, "no-store");
    res.body() = out.take();
    co_return res;
}

} // namespace linkledger::metrics
