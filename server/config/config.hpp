// Linkledger's settings: environment variables, each with a command-line flag twin, turned
// into one validated `config` at start. An invalid value names its variable.
#pragma once

#include "http/rate_limit.hpp"
#include "http/trusted_proxies.hpp"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace linkledger::config {

struct listen_address {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
};

struct config {
    std::string database_url;
    listen_address listen;
    std::string public_url;   // base of short links, without a trailing slash
    bool public_url_is_default = true; // derived from `listen`, so follows the bound port
    std::string data_dir = "./var";
    std::string log_level = "info";
    unsigned threads = 0;     // HTTP I/O threads; 0 in the struct means "not yet resolved"
    std::string cpu_affinity = "auto"; // auto (one I/O thread per core, when they match) or off
    unsigned db_pool_size = 4;
    unsigned request_timeout_seconds = 15;
    unsigned idle_timeout_seconds = 5; // for a request to begin, on a new or kept-alive connection
    unsigned db_lock_timeout_seconds = 5;       // a pooled query's wait for a row or table lock
    unsigned db_statement_timeout_seconds = 60; // a pooled query's whole run
    std::string geoip_db;     // MaxMind-format country database; empty: countries "unknown"
    bool geoip_db_explicit = false; // set (a file, or "none"); else the bundled file is looked for
    unsigned click_retention_days = 395;
    int attribution_hours = 72;
    int late_click_seconds = 24 * 3600; // how long a sale waits for a click not yet stored
    std::string log_format = "text"; // text, or json: one object per line for log collectors
    http::trusted_proxies trusted_proxies; // parsed once, here; empty: trust nobody
    std::string metrics_token;        // empty: GET /metrics needs no token
    // Per client IP. Sized for one creator's real traffic: the dashboard and scripts stay far
    // below the API's; networks send postbacks and webhooks in bursts after a sale spike.
    http::rate_limit rate_limit_login{0.2, 10};
    http::rate_limit rate_limit_postback{50, 500};
    http::rate_limit rate_limit_webhook{50, 500};
    http::rate_limit rate_limit_api{20, 100};
    unsigned max_connections = 10000;
    std::uint64_t journal_max_bytes = std::uint64_t{1} << 30; // 0: no budget
    std::string journal_sync = "interval"; // none, interval or always (clicks::journal_sync)
    unsigned journal_sync_interval_ms = 100;
    // The creator's zone (IANA name): the days and hours of reports, unless a dashboard user
    // picks their own. Its shape is checked here; whether PostgreSQL knows it, at start.
    std::string time_zone = "UTC";
};

// One setting: its environment variable, its flag, and what `--help` says of it.
struct setting {
    std::string env;
    std::string flag;
    std::string value_name;
    std::string help;
    std::string default_text;
};

std::vector<setting> const& settings();

struct config_error : std::runtime_error {
    config_error(std::string variable, std::string const& message)
        : std::runtime_error(variable + ": " + message), variable(std::move(variable))
    {
    }
    std::string variable;
};

using env_lookup = std::function<char const*(char const*)>;

// Reads the environment through `getenv`, then lets `args` override it (--flag VALUE or
// --flag=VALUE). Arguments that are not settings are returned in `rest` in order.
// Throws config_error naming the variable (or the flag, for an unknown option).
config load(env_lookup const& getenv, std::vector<std::string> const& args,
            std::vector<std::string>& rest);

// Validation helpers, exposed for their unit tests.
listen_address parse_listen(std::string const& text);
void check_database_url(std::string const& url);
void check_public_url(std::string const& url);
// "1073741824", "512MiB", "1G", "64k": a size in bytes, with optional binary units.
std::uint64_t parse_bytes(std::string const& variable, std::string const& text);

} // namespace linkledger::config
