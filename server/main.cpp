// linkledger: wiring only. Command line -> config -> database -> services -> HTTP listener.
#include "audit/audit_api.hpp"
#include "auth/access_policy.hpp"
#include "auth/shared_rate_limiter.hpp"
#include "auth/authenticate.hpp"
#include "bio/bio_api.hpp"
#include "clicks/bot_detector.hpp"
#include "clicks/classifier.hpp"
#include "clicks/click_journal.hpp"
#include "clicks/click_shipper.hpp"
#include "clicks/data_dir_lock.hpp"
#include "clicks/clicks_api.hpp"
#include "clicks/embedded_bot_patterns.hpp"
#include "clicks/geoip.hpp"
#include "clicks/journal_binding.hpp"
#include "clicks/node_id.hpp"
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "db/database.hpp"
#include "db/migrator.hpp"
#include "db/sql_errors.hpp"
#include "db/time_zones.hpp"
#include "events/webhook_sender.hpp"
#include "events/webhooks_api.hpp"
#include "http/cpu_affinity.hpp"
#include "http/health_api.hpp"
#include "http/listener.hpp"
#include "http/url_host.hpp"
#include "links/links_api.hpp"
#include "links/link_change_listener.hpp"
#include "links/unshipped_clicks.hpp"
#include "links/redirect_handler.hpp"
#include "links/redirect_table.hpp"
#include "logging/logging.hpp"
#include "money/conversions_api.hpp"
#include "money/income_api.hpp"
#include "money/late_clicks.hpp"
#include "money/offers_api.hpp"
#include "money/postback_api.hpp"
#include "money/promo_codes_api.hpp"
#include "money/rate_limited_intake.hpp"
#include "money/shop_webhooks_api.hpp"
#include "money/video_stats_api.hpp"
#include "money/videos_api.hpp"
#include "reports/click_breakdown.hpp"
#include "reports/heatmap_report.hpp"
#include "reports/link_curve.hpp"
#include "reports/revenue_report.hpp"
#include "reports/subject_income.hpp"
#include "reports/subject_sales.hpp"
#include "reports/video_curve.hpp"
#include "metrics/http_metrics.hpp"
#include "metrics/limits_metrics.hpp"
#include "metrics/metrics_api.hpp"
#include "metrics/redirect_metrics.hpp"
#include "users/preferences_api.hpp"
#include "users/users_api.hpp"
#include "web/dashboard_pages.hpp"
#include "web/login_api.hpp"
#include "web/page_headers.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include <malloc.h>

namespace {

using namespace linkledger;
namespace net = boost::asio;

int serve(config::config settings)
{
    // A file size limit on the journal must cost clicks (counted, logged), not the process.
    std::signal(SIGXFSZ, SIG_IGN);
    // glibc raises its mmap threshold to the largest block freed so far, so after the shipper
    // once decodes a full batch (megabytes) every later batch comes from the arenas, which keep
    // the pages: RSS climbed in steps through a soak with a few MiB live. A fixed threshold
    // keeps large blocks in mmap, returned when freed (bench/RESULTS.md, 2026-12-03).
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    std::filesystem::path const data_dir(settings.data_dir);
    clicks::data_dir_lock const data_dir_owner(data_dir); // before anything writes there
    {
        // Migrations wait for their locks and run as long as they need (migrator.cpp); the
        // request pool's bounds below would cut them short.
        db::database unbounded(settings.database_url, 1);
        cli::migrate_database(unbounded);
    }
    db::database database(settings.database_url, settings.db_pool_size,
                          {.lock_timeout = std::chrono::seconds(settings.db_lock_timeout_seconds),
                           .statement_timeout = std::chrono::seconds(settings.db_statement_timeout_seconds)});
    // Reports do their zone arithmetic in PostgreSQL: the zone must be one it knows.
    if (!database.run_blocking([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            return db::known_zone(tx, settings.time_zone);
        })) {
        logging::critical("refusing to start: LINKLEDGER_TIMEZONE: PostgreSQL knows no time zone '{time_zone}'; use "
                          "an IANA name such as Europe/Paris or UTC",
                          {{"time_zone", settings.time_zone}});
        return 2;
    }

    clicks::bot_detector bots(clicks::embedded_bot_patterns());
    logging::info("bot patterns", {{"loaded", bots.pattern_count()}, {"skipped", bots.skipped_count()}});
    clicks::classifier classifier(bots);
    auto const geo_path = settings.geoip_db_explicit ? settings.geoip_db : clicks::default_country_db();
    auto const geo = geo_path.empty() ? std::make_unique<clicks::geoip>() : std::make_unique<clicks::geoip>(geo_path);
    if (geo->enabled())
        logging::info("countries", {{"file", geo->path()}, {"built", geo->built()}});
    else
        logging::warn("countries: no country file (LINKLEDGER_GEOIP_DB, or deploy/fetch-country-db.sh): every click's "
                      "country is 'unknown'");
    auto const node_id = clicks::load_or_create_node_id(data_dir);
    clicks::journal_sync_policy const sync{settings.journal_sync == "always"     ? clicks::journal_sync::always
                                           : settings.journal_sync == "interval" ? clicks::journal_sync::interval
                                                                                 : clicks::journal_sync::none,
                                           std::chrono::milliseconds(settings.journal_sync_interval_ms)};
    clicks::click_journal journal(data_dir / "journal", 16u << 20, settings.journal_max_bytes, sync);
    // Start needs PostgreSQL (migrations ran above), so the journal's database is checked here;
    // the shipper checks again on every connection it makes.
    clicks::journal_bind_result binding;
    try {
        binding = database.run_blocking([&](pqxx::connection& conn) {
            return clicks::bind_journal(journal, conn, node_id);
        });
    } catch (clicks::journal_binding_error const& e) {
        logging::critical("refusing to start: {error}", {{"error", logging::prose{e.what()}}});
        return 2;
    }
    if (binding.what == clicks::journal_bind_result::outcome::refused) {
        logging::critical("refusing to start: {error}", {{"error", logging::prose{binding.message}}});
        return 2;
    }
    if (binding.what == clicks::journal_bind_result::outcome::adopted)
        logging::info("click journal bound to database {database} (system identifier {system_identifier})",
                      {{"database", binding.current.name}, {"system_identifier", binding.current.system_identifier}});
    if (binding.what == clicks::journal_bind_result::outcome::rebound)
        logging::warn("click journal re-bound from database {previous} (system identifier {previous_system_identifier}) "
                      "to {database} (system identifier {system_identifier}): it held no unshipped click",
                      {{"previous", binding.previous->database.name},
                       {"previous_system_identifier", binding.previous->database.system_identifier},
                       {"database", binding.current.name}, {"system_identifier", binding.current.system_identifier}});
    clicks::click_shipper shipper(journal, settings.database_url, node_id,
                                  {.retention_days = settings.click_retention_days,
                                   .database = binding.current});
    links::redirect_table table;
    database.run_blocking([&](pqxx::connection& conn) { links::count_unshipped_clicks(table, conn, journal, node_id); });
    links::link_change_listener link_changes(table, settings.database_url);
    link_changes.load_all();

    http::io_context_pool pool(settings.threads);
    http::router routes;
    http::rate_limiter::limits const rate_limits{settings.rate_limit_login, settings.rate_limit_postback,
                                                 settings.rate_limit_webhook, settings.rate_limit_api};
    http::rate_limiter limiter(rate_limits);
    auth::shared_rate_limiter shared_limits(database, rate_limits);
    money::rate_limited_intake refused_intake(database, rate_limits);
    http::listener listener(pool, routes,
                            {.host = settings.listen.host,
                             .port = settings.listen.port,
                             .request_timeout = std::chrono::seconds(settings.request_timeout_seconds),
                             .shutdown_grace = std::chrono::seconds(10),
                             .before_reply = http::reply_barrier{[&journal] { return journal.has_staged(); },
                                                                 [&journal] { journal.flush_staged(); }},
                             .proxies = settings.trusted_proxies,
                             .max_connections = http::fit_connections_to_fd_limit(settings.max_connections),
                             .limiter = &limiter,
                             .shared_admit = [&shared_limits](http::route_class c, std::string const& client) {
                                 return shared_limits.admit(c, client);
                             },
                             .rate_limited = [&refused_intake](http::route_class c, std::string const& client,
                                                               std::string_view target) {
                                 refused_intake.count(c, client, target);
                             },
                             .idle_timeout = std::chrono::seconds(settings.idle_timeout_seconds)});
    listener.open();
    if (settings.public_url_is_default && settings.listen.port == 0)
        settings.public_url = "http://" + http::url_host(settings.listen.host) + ":" +
                              std::to_string(listener.bound_port());

    // Cookies are marked Secure, and pages carry HSTS, when users reach us over https.
    bool const https = settings.public_url.size() > 8 &&
                       std::equal(settings.public_url.begin(), settings.public_url.begin() + 8,
                                  "https://", [](char a, char b) { return std::tolower(a) == b; });
    routes.set_response_hook([https](http::request const& req, http::response& res) {
        web::finish_response(req, res, https);
    });
    routes.set_authenticator([&database](http::credentials const& presented) {
        return database.run([presented](pqxx::connection& conn) {
            return auth::authenticate(conn, presented);
        });
    });
    routes.set_access_policy(auth::enforce_access);
    routes.set_failure_mapper(db::http_error_of);
    http::add_health_routes(routes, [&database] { return database.reachable(); },
                            [&] { return clicks::pipeline_status(journal, shipper); });
    links::links_api links(database, table, settings.public_url);
    links.add_routes(routes);
    clicks::clicks_api clicks(database, journal, shipper, *geo);
    clicks.add_routes(routes);
    money::attribution_settings const attribution{settings.attribution_hours, settings.late_click_seconds,
                                                   settings.time_zone};
    money::late_click_sweeper late_clicks(database, money::late_click_sweep_interval(settings.late_click_seconds));
    money::add_offer_routes(routes, database, settings.public_url);
    money::add_video_routes(routes, database);
    money::add_video_stats_routes(routes, database);
    money::add_promo_code_routes(routes, database);
    money::add_income_routes(routes, database, settings.time_zone);
    money::add_conversion_routes(routes, database, attribution);
    money::add_postback_routes(routes, database, attribution);
    money::add_shop_webhook_routes(routes, database, attribution);
    reports::add_report_routes(routes, database, settings.time_zone);
    reports::add_video_curve_routes(routes, database, settings.time_zone);
    reports::add_heatmap_routes(routes, database, settings.time_zone);
    reports::add_link_curve_routes(routes, database, settings.time_zone);
    reports::add_click_breakdown_routes(routes, database, settings.time_zone);
    reports::add_subject_sales_routes(routes, database, settings.time_zone);
    reports::add_subject_income_routes(routes, database, settings.time_zone);
    metrics::http_metrics http_stats;
    metrics::redirect_metrics redirect_stats;
    metrics::metrics_api metrics(database, journal, shipper, http_stats, redirect_stats,
                                 settings.metrics_token);
    metrics.add_section([&](metrics::prometheus_text& out) { metrics::render_limits(out, limiter, listener); });
    metrics.add_routes(routes);
    web::login_api login(database, https);
    login.add_routes(routes);
    users::users_api users(database);
    users.add_routes(routes);
    users::preferences_api preferences(database, settings.time_zone);
    preferences.add_routes(routes);
    bio::bio_api bio_pages(database, settings.public_url);
    bio_pages.add_routes(routes);
    audit::add_audit_routes(routes, database);
    // Events out: the outbox is written by triggers; the sender runs on threads of its own.
    events::webhook_sender webhooks_out(settings.database_url, events::sender_settings_from_environment(settings.public_url));
    events::webhooks_api webhooks(database, webhooks_out.allow_private());
    webhooks.add_routes(routes);
    metrics.add_section([&](metrics::prometheus_text& out) { webhooks_out.render_metrics(out); });
    web::dashboard_pages dashboard(database);
    dashboard.add_routes(routes);
    // The catch-all /{slug} comes last so it never shadows a named route.
    links::redirect_handler redirects(table, journal, classifier, *geo, &redirect_stats);
    redirects.add_routes(routes);
    // Every route is known now: each gets its fixed row of counters.
    http_stats.set_routes(routes.route_labels());
    listener.set_observer(&http_stats);

    net::signal_set signals(pool.context(0), SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        logging::info("signal {signal} received: shutting down", {{"signal", signal}});
        listener.shutdown();
        pool.release();
    });

    shipper.start();
    link_changes.start();
    late_clicks.start();
    refused_intake.start();
    webhooks_out.start();
    listener.start();
    auto const io_cores = settings.cpu_affinity == "auto"
                              ? http::io_thread_cores(settings.threads, http::usable_cores())
                              : std::vector<int>{};
    std::string cores_text = io_cores.empty() ? "any" : "";
    for (int core : io_cores) {
        if (!cores_text.empty())
            cores_text += ',';
        cores_text += std::to_string(core);
    }
    std::string listening_url = "http://";
    listening_url += http::url_host(settings.listen.host);
    listening_url += ':';
    listening_url += std::to_string(listener.bound_port());
    logging::info("listening on {url}", {{"url", listening_url},
                                         {"public_url", settings.public_url},
                                         {"threads", settings.threads},
                                         {"io_cores", cores_text},
                                         {"node", node_id}});
    logging::info("limits", {{"rate_login", settings.rate_limit_login.text()},
                             {"rate_postback", settings.rate_limit_postback.text()},
                             {"rate_webhook", settings.rate_limit_webhook.text()},
                             {"rate_api", settings.rate_limit_api.text()},
                             {"journal_max_bytes", settings.journal_max_bytes}});
    logging::flush(); // whoever started us waits for this line

    pool.run(io_cores);
    // Every request is answered; now the journal is drained while the database answers.
    link_changes.stop();
    late_clicks.stop();
    refused_intake.stop(); // the refusals of the last window are written
    webhooks_out.stop(); // the exchanges under way end (10 s at most) and are recorded
    shipper.stop(true, std::chrono::seconds(20));
    database.stop();
    auto const left = shipper.status().backlog_clicks;
    if (left > 0)
        logging::info("stopped backlog={backlog} (kept in the journal for the next start)", {{"backlog", left}});
    else
        logging::info("stopped", {{"backlog", left}});
    return 0;
}

int run_command(cli::command_line const& cl)
{
    try {
        switch (cl.what) {
        case cli::command::serve: return serve(cl.settings);
        case cli::command::migrate: {
            db::database database(cl.settings.database_url, 1);
            return cli::migrate_database(database);
        }
        case cli::command::api_key_create: return cli::create_api_key(cl.settings, cl.api_key_name);
        case cli::command::user_add: return cli::add_user(cl.settings, cl.user_email, cl.user_role);
        case cli::command::help: break;
        }
    } catch (db::migration_error const& e) {
        logging::critical("migration refused: {error}", {{"error", logging::prose{e.what()}}});
        return 1;
    } catch (std::exception const& e) {
        logging::critical("{error}", {{"error", logging::prose{e.what()}}});
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // Every PostgreSQL session of this process reads a time written without a zone as UTC and a
    // date in one style, as the README promises, whatever the server's or the database's
    // defaults (Debian's PostgreSQL takes the machine's zone; a DBA may set another). libpq
    // sends these at connection start.
    ::setenv("PGTZ", "UTC", 1);
    ::setenv("PGDATESTYLE", "ISO, MDY", 1);
    cli::command_line cl;
    try {
        cl = cli::parse(argc, argv, [](char const* name) { return std::getenv(name); });
    } catch (config::config_error const& e) {
        std::cerr << "linkledger: " << e.what() << '\n';
        return 2;
    }
    if (cl.show_help) {
        std::cout << cli::help_text(cl.what);
        return 0;
    }
    logging::setup(cl.settings.log_level, cl.settings.log_format);
    int const status = run_command(cl);
    logging::shutdown();
    return status;
}
