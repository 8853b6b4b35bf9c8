#include "config/config.hpp"

#include "db/time_zones.hpp"
#include "http/trusted_proxies.hpp"
#include "http/url_host.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <thread>

namespace linkledger::config {
namespace {

unsigned parse_count(std::string const& variable, std::string const& text, unsigned min,
                     unsigned max)
{
    unsigned value = 0;
    auto const* end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < min || value > max)
        throw config_error(variable, "must be a whole number from " + std::to_string(min) +
                                         " to " + std::to_string(max) + ", got '" + text + "'");
    return value;
}

std::string trim_trailing_slashes(std::string url)
{
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

} // namespace

std::vector<setting> const& settings()
{
    static std::vector<setting> const all{
        {"LINKLEDGER_DATABASE_URL", "--database-url", "URL",
         "PostgreSQL connection: libpq conninfo or postgresql:// URI", "(required)"},
        {"LINKLEDGER_LISTEN", "--listen", "HOST:PORT", "address the HTTP server listens on",
         "127.0.0.1:8080"},
        {"LINKLEDGER_PUBLIC_URL", "--public-url", "URL",
         "base URL of short links, as followers see it", "http://LISTEN"},
        {"LINKLEDGER_DATA_DIR", "--data-dir", "DIR", "directory for local state", "./var"},
        {"LINKLEDGER_LOG_LEVEL", "--log-level", "LEVEL",
         "trace, debug, info, warn, error or off", "info"},
        {"LINKLEDGER_THREADS", "--threads", "N", "HTTP I/O threads", "number of cores"},
        {"LINKLEDGER_CPU_AFFINITY", "--cpu-affinity", "MODE",
         "auto (each HTTP I/O thread kept on a core of its own, when there are as many threads as cores "
         "this process may use) or off (the scheduler places them)", "auto"},
        {"LINKLEDGER_DB_POOL_SIZE", "--db-pool-size", "N", "PostgreSQL connections in the pool",
         "4"},
        {"LINKLEDGER_REQUEST_TIMEOUT", "--request-timeout", "SECONDS",
         "time allowed to receive one request once it has begun; slower clients are dropped", "15"},
        {"LINKLEDGER_IDLE_TIMEOUT", "--idle-timeout", "SECONDS",
         "time a connection may wait before it begins a request (new or kept alive)", "5"},
        {"LINKLEDGER_DB_LOCK_TIMEOUT", "--db-lock-timeout", "SECONDS",
         "longest a request's query waits for a lock another session holds; then 503 database_busy", "5"},
        {"LINKLEDGER_DB_STATEMENT_TIMEOUT", "--db-statement-timeout", "SECONDS",
         "longest one query of a request may run (migrations are not bounded); then 503 database_busy", "60"},
        {"LINKLEDGER_GEOIP_DB", "--geoip-db", "FILE",
         "MaxMind-format country database (GeoLite2, DB-IP lite...); 'none': every country 'unknown'",
         "the bundled free file (/usr/share/linkledger/geoip/country.mmdb, else data/geoip/country.mmdb)"},
        {"LINKLEDGER_CLICK_RETENTION_DAYS", "--click-retention-days", "DAYS",
         "raw clicks older than this are dropped by month; daily rollups remain", "395"},
        {"LINKLEDGER_ATTRIBUTION_HOURS", "--attribution-hours", "HOURS",
         "a sale without a video goes to the latest video posted this long before its click or code", "72"},
        {"LINKLEDGER_LATE_CLICK_SECONDS", "--late-click-seconds", "SECONDS",
         "a sale whose click id is ours but not stored yet waits this long as 'pending', then is unattributed",
         "86400"},
        {"LINKLEDGER_LOG_FORMAT", "--log-format", "FORMAT",
         "text, or json (one object per line, for container log collectors)", "text"},
        {"LINKLEDGER_TRUSTED_PROXIES", "--trusted-proxies", "LIST",
         "comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For is believed",
         "none"},
        {"LINKLEDGER_METRICS_TOKEN", "--metrics-token", "TOKEN",
         "bearer token GET /metrics requires", "none: /metrics is open"},
        {"LINKLEDGER_RATE_LIMIT_LOGIN", "--rate-limit-login", "RATE/BURST",
         "login attempts (POST /login) per second per client IP, and burst; 0: no limit", "0.2/10"},
        {"LINKLEDGER_RATE_LIMIT_POSTBACK", "--rate-limit-postback", "RATE/BURST",
         "/postback/* requests per second per client IP, and burst; 0: no limit", "50/500"},
        {"LINKLEDGER_RATE_LIMIT_WEBHOOK", "--rate-limit-webhook", "RATE/BURST",
         "/webhooks/* requests per second per client IP, and burst; 0: no limit", "50/500"},
        {"LINKLEDGER_RATE_LIMIT_API", "--rate-limit-api", "RATE/BURST",
         "/api/* requests per second per client IP, and burst; 0: no limit", "20/100"},
        {"LINKLEDGER_MAX_CONNECTIONS", "--max-connections", "N",
         "connections served at once; further ones are closed when accepted", "10000"},
        {"LINKLEDGER_JOURNAL_MAX_BYTES", "--journal-max-bytes", "SIZE",
         "disk budget of unshipped clicks (e.g. 1GiB, 200MiB); past it clicks are redirected "
         "but not recorded; 0: no budget", "1GiB"},
        {"LINKLEDGER_JOURNAL_SYNC", "--journal-sync", "POLICY",
         "when journaled clicks are forced to the disk: none (the kernel decides), interval (every "
         "LINKLEDGER_JOURNAL_SYNC_INTERVAL_MS: a power cut loses at most that), always (before each reply)",
         "interval"},
        {"LINKLEDGER_JOURNAL_SYNC_INTERVAL_MS", "--journal-sync-interval-ms", "MS",
         "the interval of LINKLEDGER_JOURNAL_SYNC=interval, in milliseconds (10 to 10000)", "100"},
        {"LINKLEDGER_TIMEZONE", "--timezone", "ZONE",
         "the creator's time zone, an IANA name such as Europe/Paris: the days and hours of reports, "
         "the overview and the heatmap (each dashboard user may pick their own)", "UTC"},
    };
    return all;
}

listen_address parse_listen(std::string const& text)
{
    auto const fail = [&](std::string const& why) -> listen_address {
        throw config_error("LINKLEDGER_LISTEN", why + ", got '" + text + "'");
    };
    auto const colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size())
        return fail("must be HOST:PORT");
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string::npos)
        return fail("an IPv6 host must be in brackets, e.g. [::1]:8080");
    if (host.empty())
        return fail("must name a host, e.g. 0.0.0.0:8080");
    if (host == "localhost")
        host = "127.0.0.1"; // the listener binds addresses, it does not resolve names
    boost::system::error_code address_error;
    boost::asio::ip::make_address(host, address_error);
    if (address_error)
        return fail("the host must be an IP address, e.g. 127.0.0.1, 0.0.0.0 or [::]");
    std::string const port_text = text.substr(colon + 1);
    unsigned port = 0;
    auto const* end = port_text.data() + port_text.size();
    auto const [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (ec != std::errc{} || ptr != end || port > 65535)
        return fail("port must be a number from 0 to 65535");
    return {host, static_cast<std::uint16_t>(port)};
}

void check_database_url(std::string const& url)
{
    if (url.empty())
        throw config_error("LINKLEDGER_DATABASE_URL",
                           "is required (libpq conninfo or postgresql:// URI)");
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (options == nullptr) {
        std::string message = error ? error : "cannot be parsed";
        PQfreemem(error);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
            message.pop_back();
        throw config_error("LINKLEDGER_DATABASE_URL", "invalid: " + message);
    }
    PQconninfoFree(options);
}

std::uint64_t parse_bytes(std::string const& variable, std::string const& text)
{
    std::uint64_t value = 0;
    auto const* end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, value);
    std::string unit(ptr, end);
    std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
    static std::map<std::string, unsigned> const shifts{
        {"", 0}, {"b", 0}, {"k", 10}, {"kib", 10}, {"m", 20}, {"mib", 20}, {"g", 30}, {"gib", 30}, {"t", 40}, {"tib", 40}};
    auto const shift = shifts.find(unit);
    if (text.empty() || ec != std::errc{} || ptr == text.data() || shift == shifts.end() ||
        value > (std::uint64_t{1} << (62 - shift->second)))
        throw config_error(variable, "must be a size in bytes such as 1073741824, 1GiB or 200MiB, got '" +
                                         text + "'");
    return value << shift->second;
}

void check_public_url(std::string const& url)
{
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed ||
        (parsed->scheme_id() != boost::urls::scheme::http && parsed->scheme_id() != boost::urls::scheme::https) ||
        parsed->encoded_host().empty() || parsed->has_query() || parsed->has_fragment())
        throw config_error("LINKLEDGER_PUBLIC_URL",
                           "must be an absolute http(s) URL without query, got '" + url + "'");
}

config load(env_lookup const& getenv, std::vector<std::string> const& args,
            std::vector<std::string>& rest)
{
    std::map<std::string, std::string> values;
    for (auto const& s : settings()) {
        if (char const* value = getenv(s.env.c_str()); value != nullptr && *value != '\0')
            values[s.env] = value;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const& arg = args[i];
        auto const eq = arg.find('=');
        std::string const name = arg.substr(0, eq);
        auto const it = std::find_if(settings().begin(), settings().end(),
                                     [&](setting const& s) { return s.flag == name; });
        if (it == settings().end()) {
            rest.push_back(arg);
            continue;
        }
        if (eq != std::string::npos)
            values[it->env] = arg.substr(eq + 1);
        else if (i + 1 < args.size())
            values[it->env] = args[++i];
        else
            throw config_error(it->flag, "needs a value");
    }

    auto const get = [&](char const* env) -> std::string const* {
        auto const it = values.find(env);
        return it == values.end() ? nullptr : &it->second;
    };

    config c;
    if (auto const* v = get("LINKLEDGER_DATABASE_URL"))
        c.database_url = *v;
    if (auto const* v = get("LINKLEDGER_LISTEN"))
        c.listen = parse_listen(*v);
    if (auto const* v = get("LINKLEDGER_DATA_DIR"))
        c.data_dir = *v;
    if (auto const* v = get("LINKLEDGER_LOG_LEVEL")) {
        static constexpr std::array<std::string_view, 7> levels{"trace", "debug", "info", "warn",
                                                               "error", "critical", "off"};
        if (std::find(levels.begin(), levels.end(), *v) == levels.end())
            throw config_error("LINKLEDGER_LOG_LEVEL",
                               "must be trace, debug, info, warn, error, critical or off, got '" +
                                   *v + "'");
        c.log_level = *v;
    }
    if (auto const* v = get("LINKLEDGER_THREADS"))
        c.threads = parse_count("LINKLEDGER_THREADS", *v, 1, 256);
    else
        c.threads = std::max(1u, std::thread::hardware_concurrency());
    if (auto const* v = get("LINKLEDGER_CPU_AFFINITY")) {
        if (*v != "auto" && *v != "off")
            throw config_error("LINKLEDGER_CPU_AFFINITY", "must be auto or off, got '" + *v + "'");
        c.cpu_affinity = *v;
    }
    if (auto const* v = get("LINKLEDGER_DB_POOL_SIZE"))
        c.db_pool_size = parse_count("LINKLEDGER_DB_POOL_SIZE", *v, 1, 256);
    if (auto const* v = get("LINKLEDGER_REQUEST_TIMEOUT"))
        c.request_timeout_seconds = parse_count("LINKLEDGER_REQUEST_TIMEOUT", *v, 1, 3600);
    if (auto const* v = get("LINKLEDGER_IDLE_TIMEOUT"))
        c.idle_timeout_seconds = parse_count("LINKLEDGER_IDLE_TIMEOUT", *v, 1, 3600);
    if (auto const* v = get("LINKLEDGER_DB_LOCK_TIMEOUT"))
        c.db_lock_timeout_seconds = parse_count("LINKLEDGER_DB_LOCK_TIMEOUT", *v, 1, 3600);
    if (auto const* v = get("LINKLEDGER_DB_STATEMENT_TIMEOUT"))
        c.db_statement_timeout_seconds = parse_count("LINKLEDGER_DB_STATEMENT_TIMEOUT", *v, 1, 3600);

    if (auto const* v = get("LINKLEDGER_GEOIP_DB"); v && *v == "none") {
        c.geoip_db.clear();
        c.geoip_db_explicit = true;
    } else if (v) {
        c.geoip_db_explicit = true;
        if (!std::filesystem::is_regular_file(*v))
            throw config_error("LINKLEDGER_GEOIP_DB", "no such file: '" + *v + "'");
        c.geoip_db = *v;
    }
    if (auto const* v = get("LINKLEDGER_CLICK_RETENTION_DAYS"))
        c.click_retention_days = parse_count("LINKLEDGER_CLICK_RETENTION_DAYS", *v, 1, 36500);
    if (auto const* v = get("LINKLEDGER_ATTRIBUTION_HOURS"))
        c.attribution_hours = static_cast<int>(parse_count("LINKLEDGER_ATTRIBUTION_HOURS", *v, 1, 24 * 90));
    if (auto const* v = get("LINKLEDGER_LATE_CLICK_SECONDS"))
        c.late_click_seconds = static_cast<int>(parse_count("LINKLEDGER_LATE_CLICK_SECONDS", *v, 1, 30 * 24 * 3600));
    if (auto const* v = get("LINKLEDGER_LOG_FORMAT")) {
        if (*v != "text" && *v != "json")
            throw config_error("LINKLEDGER_LOG_FORMAT", "must be text or json, got '" + *v + "'");
        c.log_format = *v;
    }
    if (auto const* v = get("LINKLEDGER_TRUSTED_PROXIES")) {
        try {
            c.trusted_proxies = http::trusted_proxies::parse(*v);
        } catch (std::invalid_argument const& e) {
            throw config_error("LINKLEDGER_TRUSTED_PROXIES", e.what());
        }
    }
    if (auto const* v = get("LINKLEDGER_METRICS_TOKEN")) {
        // A token is compared as a bearer credential: short ones are guessable.
        if (v->size() < 16 || v->find_first_of(" \t\r\n") != std::string::npos)
            throw config_error("LINKLEDGER_METRICS_TOKEN",
                               "must be at least 16 characters without spaces");
        c.metrics_token = *v;
    }
    auto const rate = [&](char const* env, http::rate_limit& into) {
        if (auto const* v = get(env)) {
            try {
                into = http::parse_rate_limit(*v);
            } catch (std::invalid_argument const& e) {
                throw config_error(env, e.what());
            }
        }
    };
    rate("LINKLEDGER_RATE_LIMIT_LOGIN", c.rate_limit_login);
    rate("LINKLEDGER_RATE_LIMIT_POSTBACK", c.rate_limit_postback);
    rate("LINKLEDGER_RATE_LIMIT_WEBHOOK", c.rate_limit_webhook);
    rate("LINKLEDGER_RATE_LIMIT_API", c.rate_limit_api);
    if (auto const* v = get("LINKLEDGER_MAX_CONNECTIONS"))
        c.max_connections = parse_count("LINKLEDGER_MAX_CONNECTIONS", *v, 1, 1000000);
    if (auto const* v = get("LINKLEDGER_JOURNAL_MAX_BYTES")) {
        c.journal_max_bytes = parse_bytes("LINKLEDGER_JOURNAL_MAX_BYTES", *v);
        // Below a few segments the budget would drop clicks between two shipper batches.
        if (c.journal_max_bytes != 0 && c.journal_max_bytes < 32 * 1024)
            throw config_error("LINKLEDGER_JOURNAL_MAX_BYTES", "must be 0 (no budget) or at least 32KiB, got '" + *v + "'");
    }
    if (auto const* v = get("LINKLEDGER_JOURNAL_SYNC")) {
        if (*v != "none" && *v != "interval" && *v != "always")
            throw config_error("LINKLEDGER_JOURNAL_SYNC", "must be none, interval or always, got '" + *v + "'");
        c.journal_sync = *v;
    }
    if (auto const* v = get("LINKLEDGER_JOURNAL_SYNC_INTERVAL_MS"))
        c.journal_sync_interval_ms = parse_count("LINKLEDGER_JOURNAL_SYNC_INTERVAL_MS", *v, 10, 10000);
    if (auto const* v = get("LINKLEDGER_TIMEZONE")) {
        if (!db::plausible_zone_name(*v))
            throw config_error("LINKLEDGER_TIMEZONE",
                               "must be an IANA time zone name such as Europe/Paris or UTC, got '" + *v + "'");
        c.time_zone = *v;
    }
    if (auto const* v = get("LINKLEDGER_PUBLIC_URL")) {
        c.public_url = trim_trailing_slashes(*v);
        c.public_url_is_default = false;
        check_public_url(c.public_url);
    } else {
        c.public_url = "http://" + http::url_host(c.listen.host) + ":" + std::to_string(c.listen.port);
    }
    if (!c.database_url.empty())
        check_database_url(c.database_url);
    return c;
}

} // namespace linkledger::config
