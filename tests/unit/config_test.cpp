// Unit tests for config/config.hpp: defaults, environment variables, flags that override
// them, and errors that name the variable at fault. The environment is a fake map.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace linkledger::config;

namespace {

using fake_env = std::map<std::string, std::string>;

env_lookup lookup_in(fake_env const& env)
{
    return [&env](char const* name) -> char const* {
        auto const it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
}

config load_with(fake_env const& env, std::vector<std::string> const& args = {})
{
    std::vector<std::string> rest;
    auto c = load(lookup_in(env), args, rest);
    EXPECT_TRUE(rest.empty());
    return c;
}

// The variable the config_error names, or a marker when nothing was thrown.
std::string failing_variable(fake_env const& env, std::vector<std::string> const& args = {})
{
    try {
        std::vector<std::string> rest;
        load(lookup_in(env), args, rest);
    } catch (config_error const& e) {
        EXPECT_EQ(std::string(e.what()).rfind(e.variable + ": ", 0), 0u) << e.what();
        return e.variable;
    }
    return "(no error)";
}

} // namespace

TEST(config, defaults)
{
    auto const c = load_with({});
    EXPECT_EQ(c.listen.host, "127.0.0.1");
    EXPECT_EQ(c.listen.port, 8080);
    EXPECT_EQ(c.public_url, "http://127.0.0.1:8080");
    EXPECT_TRUE(c.public_url_is_default);
    EXPECT_EQ(c.data_dir, "./var");
    EXPECT_EQ(c.log_level, "info");
    EXPECT_GE(c.threads, 1u);
    EXPECT_EQ(c.database_url, "");
    EXPECT_EQ(c.db_pool_size, 4u);
    EXPECT_EQ(c.request_timeout_seconds, 15u);
    EXPECT_EQ(c.idle_timeout_seconds, 5u);
    EXPECT_EQ(c.geoip_db, "");
    EXPECT_EQ(c.click_retention_days, 395u);
}

TEST(config, empty_variables_count_as_unset)
{
    auto const c = load_with({{"LINKLEDGER_LISTEN", ""}, {"LINKLEDGER_LOG_LEVEL", ""},
                              {"LINKLEDGER_PUBLIC_URL", ""}});
    EXPECT_EQ(c.listen.port, 8080);
    EXPECT_EQ(c.log_level, "info");
    EXPECT_TRUE(c.public_url_is_default);
}

TEST(config, values_from_the_environment)
{
    fake_env const env{{"LINKLEDGER_LISTEN", "0.0.0.0:9000"},
                       {"LINKLEDGER_PUBLIC_URL", "https://go.example.com"},
                       {"LINKLEDGER_DATA_DIR", "/srv/ll"},
                       {"LINKLEDGER_LOG_LEVEL", "debug"},
                       {"LINKLEDGER_THREADS", "3"},
                       {"LINKLEDGER_DB_POOL_SIZE", "8"},
                       {"LINKLEDGER_REQUEST_TIMEOUT", "30"},
                       {"LINKLEDGER_IDLE_TIMEOUT", "12"},
                       {"LINKLEDGER_CLICK_RETENTION_DAYS", "90"},
                       {"LINKLEDGER_DATABASE_URL", "postgresql://u@db/ll"}};
    auto const c = load_with(env);
    EXPECT_EQ(c.listen.host, "0.0.0.0");
    EXPECT_EQ(c.listen.port, 9000);
    EXPECT_EQ(c.public_url, "https://go.example.com");
    EXPECT_FALSE(c.public_url_is_default);
    EXPECT_EQ(c.data_dir, "/srv/ll");
    EXPECT_EQ(c.log_level, "debug");
    EXPECT_EQ(c.threads, 3u);
    EXPECT_EQ(c.db_pool_size, 8u);
    EXPECT_EQ(c.request_timeout_seconds, 30u);
    EXPECT_EQ(c.idle_timeout_seconds, 12u);
    EXPECT_EQ(c.click_retention_days, 90u);
    EXPECT_EQ(c.database_url, "postgresql://u@db/ll");
}

TEST(config, conninfo_database_url_is_accepted)
{
    auto const c = load_with({{"LINKLEDGER_DATABASE_URL", "host=db port=5432 dbname=ll user=u"}});
    EXPECT_EQ(c.database_url, "host=db port=5432 dbname=ll user=u");
}

TEST(config, default_public_url_follows_listen)
{
    auto c = load_with({{"LINKLEDGER_LISTEN", "10.0.0.1:9000"}});
    EXPECT_EQ(c.public_url, "http://10.0.0.1:9000");
    EXPECT_TRUE(c.public_url_is_default);
    c = load_with({}, {"--listen", "127.0.0.1:7000"});
    EXPECT_EQ(c.public_url, "http://127.0.0.1:7000");
}

TEST(config, flags_override_the_environment)
{
    fake_env const env{{"LINKLEDGER_LISTEN", "0.0.0.0:9000"}, {"LINKLEDGER_LOG_LEVEL", "debug"},
                       {"LINKLEDGER_DATA_DIR", "/srv/ll"}, {"LINKLEDGER_THREADS", "3"}};
    auto c = load_with(env, {"--listen", "127.0.0.1:7000", "--log-level=warn"});
    EXPECT_EQ(c.listen.host, "127.0.0.1");
    EXPECT_EQ(c.listen.port, 7000);
    EXPECT_EQ(c.log_level, "warn");
    EXPECT_EQ(c.data_dir, "/srv/ll");
    EXPECT_EQ(c.threads, 3u);

    c = load_with(env, {"--listen=127.0.0.2:7001", "--data-dir", "/tmp/x", "--threads=5"});
    EXPECT_EQ(c.listen.host, "127.0.0.2");
    EXPECT_EQ(c.listen.port, 7001);
    EXPECT_EQ(c.data_dir, "/tmp/x");
    EXPECT_EQ(c.threads, 5u);
    EXPECT_EQ(c.log_level, "debug");

    c = load_with({{"LINKLEDGER_PUBLIC_URL", "https://a.example"}},
                  {"--public-url", "https://b.example/"});
    EXPECT_EQ(c.public_url, "https://b.example");

    // A flag overrides even an invalid environment value, which is then never parsed.
    c = load_with({{"LINKLEDGER_LISTEN", "nonsense"}}, {"--listen=127.0.0.1:1"});
    EXPECT_EQ(c.listen.port, 1);
}

TEST(config, ipv6_listen_address_in_brackets)
{
    auto const c = load_with({{"LINKLEDGER_LISTEN", "[::1]:9000"}});
    EXPECT_EQ(c.listen.host, "::1");
    EXPECT_EQ(c.listen.port, 9000);
    EXPECT_EQ(c.public_url, "http://[::1]:9000");

    auto const any = parse_listen("[::]:80");
    EXPECT_EQ(any.host, "::");
    EXPECT_EQ(any.port, 80);
}

TEST(config, parse_listen_edges)
{
    EXPECT_EQ(parse_listen("localhost:0").port, 0);
    EXPECT_EQ(parse_listen("localhost:65535").port, 65535);
    EXPECT_EQ(parse_listen("localhost:65535").host, "127.0.0.1");
    EXPECT_THROW(parse_listen("example.com:80"), config_error);
    EXPECT_THROW(parse_listen("[abc]:80"), config_error);
    EXPECT_THROW(parse_listen("localhost:65536"), config_error);
}

TEST(config, bad_listen_names_its_variable)
{
    for (auto const* listen : {"abc", "nowhere", "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000",
                               "127.0.0.1:-1", "127.0.0.1:80x", "127.0.0.1: 80", "::1:80", ":80",
                               "[]:80", "[::1]", "[::1]:", "h:x"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_LISTEN", listen}}), "LINKLEDGER_LISTEN") << listen;
    EXPECT_EQ(failing_variable({}, {"--listen", "abc"}), "LINKLEDGER_LISTEN");
    EXPECT_EQ(failing_variable({}, {"--listen="}), "LINKLEDGER_LISTEN");
}

TEST(config, bad_log_level_names_its_variable)
{
    for (auto const* level : {"loud", "INFO", "warning", " info"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_LOG_LEVEL", level}}), "LINKLEDGER_LOG_LEVEL") << level;
    for (auto const* level : {"trace", "debug", "info", "warn", "error", "critical", "off"})
        EXPECT_EQ(load_with({{"LINKLEDGER_LOG_LEVEL", level}}).log_level, level);
}

TEST(config, bad_counts_name_their_variable)
{
    for (auto const* threads : {"0", "x", "-1", "2x", "257", " 2", "99999999999"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_THREADS", threads}}), "LINKLEDGER_THREADS") << threads;
    EXPECT_EQ(load_with({{"LINKLEDGER_THREADS", "256"}}).threads, 256u);
    EXPECT_EQ(failing_variable({{"LINKLEDGER_DB_POOL_SIZE", "0"}}), "LINKLEDGER_DB_POOL_SIZE");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_REQUEST_TIMEOUT", "3601"}}), "LINKLEDGER_REQUEST_TIMEOUT");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_IDLE_TIMEOUT", "0"}}), "LINKLEDGER_IDLE_TIMEOUT");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_CLICK_RETENTION_DAYS", "0"}}),
              "LINKLEDGER_CLICK_RETENTION_DAYS");
}

TEST(config, bad_public_url_names_its_variable)
{
    for (auto const* url : {"ftp://x", "not a url", "go.example.com", "/relative", "http://",
                            "https://go.example.com/?a=1", "https://go.example.com/#top",
                            "javascript:alert(1)"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_PUBLIC_URL", url}}), "LINKLEDGER_PUBLIC_URL") << url;
    EXPECT_EQ(failing_variable({}, {"--public-url=ftp://x"}), "LINKLEDGER_PUBLIC_URL");
}

TEST(config, trailing_slashes_of_the_public_url_are_trimmed)
{
    EXPECT_EQ(load_with({{"LINKLEDGER_PUBLIC_URL", "https://go.example.com/"}}).public_url,
              "https://go.example.com");
    EXPECT_EQ(load_with({{"LINKLEDGER_PUBLIC_URL", "https://go.example.com//"}}).public_url,
              "https://go.example.com");
    EXPECT_EQ(load_with({{"LINKLEDGER_PUBLIC_URL", "https://example.com/go/"}}).public_url,
              "https://example.com/go");
    EXPECT_EQ(load_with({{"LINKLEDGER_PUBLIC_URL", "http://go.example.com:8080"}}).public_url,
              "http://go.example.com:8080");
}

TEST(config, bad_database_url_names_its_variable)
{
    for (auto const* url : {"host=x port", "postgresql://[bad", "nonsense=1", "host='x"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_DATABASE_URL", url}}), "LINKLEDGER_DATABASE_URL") << url;
    EXPECT_EQ(failing_variable({}, {"--database-url", "host=x port"}), "LINKLEDGER_DATABASE_URL");
    EXPECT_THROW(check_database_url(""), config_error);
    EXPECT_NO_THROW(check_database_url("postgresql://u@db/ll"));
}

TEST(config, missing_geoip_file_names_its_variable)
{
    EXPECT_EQ(failing_variable({{"LINKLEDGER_GEOIP_DB", "/no/such/file.mmdb"}}), "LINKLEDGER_GEOIP_DB");
}

TEST(config, flag_without_a_value_names_the_flag)
{
    EXPECT_EQ(failing_variable({}, {"--listen"}), "--listen");
    EXPECT_EQ(failing_variable({}, {"--threads", "2", "--data-dir"}), "--data-dir");
}

TEST(config, other_arguments_are_returned_in_order)
{
    std::vector<std::string> rest;
    fake_env const env;
    auto const c = load(lookup_in(env), {"--name", "x", "--threads", "2", "extra", "--bogus=1"}, rest);
    EXPECT_EQ(rest, (std::vector<std::string>{"--name", "x", "extra", "--bogus=1"}));
    EXPECT_EQ(c.threads, 2u);

    rest.clear();
    load(lookup_in(env), {}, rest);
    EXPECT_TRUE(rest.empty());
}

TEST(config, every_setting_has_an_env_and_a_flag)
{
    ASSERT_FALSE(settings().empty());
    for (auto const& s : settings()) {
        EXPECT_EQ(s.env.rfind("LINKLEDGER_", 0), 0u) << s.env;
        EXPECT_EQ(s.flag.rfind("--", 0), 0u) << s.flag;
        EXPECT_FALSE(s.help.empty()) << s.env;
    }
}

namespace {

bool trusts(linkledger::config::config const& c, char const* address)
{
    return c.trusted_proxies.trusts(boost::asio::ip::make_address(address));
}

} // namespace

TEST(config, operations_settings_default_to_safe_values)
{
    auto const c = load_with({});
    EXPECT_EQ(c.log_format, "text");
    EXPECT_TRUE(c.trusted_proxies.empty());
    EXPECT_EQ(c.metrics_token, "");
}

TEST(config, operations_settings_from_environment_and_flags)
{
    auto const c = load_with({{"LINKLEDGER_LOG_FORMAT", "json"},
                              {"LINKLEDGER_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12,::1"},
                              {"LINKLEDGER_METRICS_TOKEN", "0123456789abcdef"}});
    EXPECT_EQ(c.log_format, "json");
    EXPECT_TRUE(trusts(c, "10.0.0.1"));
    EXPECT_FALSE(trusts(c, "10.0.0.2"));
    EXPECT_TRUE(trusts(c, "172.31.255.254"));
    EXPECT_TRUE(trusts(c, "::1"));
    EXPECT_EQ(c.metrics_token, "0123456789abcdef");

    auto const flags = load_with({{"LINKLEDGER_LOG_FORMAT", "json"}},
                                 {"--log-format", "text", "--trusted-proxies=127.0.0.1"});
    EXPECT_EQ(flags.log_format, "text");
    EXPECT_TRUE(trusts(flags, "127.0.0.1"));
    EXPECT_FALSE(trusts(flags, "10.0.0.1"));
}

TEST(config, bad_operations_settings_name_their_variable)
{
    EXPECT_EQ(failing_variable({{"LINKLEDGER_LOG_FORMAT", "xml"}}), "LINKLEDGER_LOG_FORMAT");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_LOG_FORMAT", "JSON"}}), "LINKLEDGER_LOG_FORMAT");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_TRUSTED_PROXIES", "10.0.0.0/33"}}), "LINKLEDGER_TRUSTED_PROXIES");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_TRUSTED_PROXIES", "caddy"}}), "LINKLEDGER_TRUSTED_PROXIES");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_TRUSTED_PROXIES", "10.0.0.1,,10.0.0.2"}}), "LINKLEDGER_TRUSTED_PROXIES");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_METRICS_TOKEN", "short"}}), "LINKLEDGER_METRICS_TOKEN");
    EXPECT_EQ(failing_variable({}, {"--log-format", "yaml"}), "LINKLEDGER_LOG_FORMAT");
}

namespace {

TEST(config, limits_default_to_values_sized_for_one_creator)
{
    auto const c = load_with({});
    EXPECT_EQ(c.rate_limit_api.text(), "20/100");
    EXPECT_EQ(c.rate_limit_postback.text(), "50/500");
    EXPECT_EQ(c.rate_limit_webhook.text(), "50/500");
    EXPECT_EQ(c.rate_limit_login.text(), "0.2/10");
    EXPECT_EQ(c.max_connections, 10000u);
    EXPECT_EQ(c.journal_max_bytes, 1024u * 1024 * 1024);
    EXPECT_EQ(c.journal_sync, "interval");
    EXPECT_EQ(c.journal_sync_interval_ms, 100u);
}

TEST(config, journal_sync_policy_and_interval)
{
    EXPECT_EQ(load_with({{"LINKLEDGER_JOURNAL_SYNC", "always"}}).journal_sync, "always");
    EXPECT_EQ(load_with({}, {"--journal-sync=none"}).journal_sync, "none");
    EXPECT_EQ(load_with({{"LINKLEDGER_JOURNAL_SYNC_INTERVAL_MS", "250"}}).journal_sync_interval_ms, 250u);
    for (auto const* bad : {"sometimes", "ALWAYS", "1"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_JOURNAL_SYNC", bad}}), "LINKLEDGER_JOURNAL_SYNC") << bad;
    for (auto const* bad : {"0", "9", "10001", "x"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_JOURNAL_SYNC_INTERVAL_MS", bad}}), "LINKLEDGER_JOURNAL_SYNC_INTERVAL_MS")
            << bad;
}

TEST(config, cpu_affinity)
{
    EXPECT_EQ(load_with({}).cpu_affinity, "auto");
    EXPECT_EQ(load_with({{"LINKLEDGER_CPU_AFFINITY", "off"}}).cpu_affinity, "off");
    EXPECT_EQ(load_with({}, {"--cpu-affinity=off"}).cpu_affinity, "off");
    for (auto const* bad : {"on", "AUTO", "0,1"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_CPU_AFFINITY", bad}}), "LINKLEDGER_CPU_AFFINITY") << bad;
}

TEST(config, limits_from_environment_and_flags)
{
    auto const c = load_with({{"LINKLEDGER_RATE_LIMIT_API", "5/7"},
                              {"LINKLEDGER_RATE_LIMIT_LOGIN", "0"},
                              {"LINKLEDGER_MAX_CONNECTIONS", "64"},
                              {"LINKLEDGER_JOURNAL_MAX_BYTES", "200MiB"}},
                             {"--rate-limit-postback", "0.5/3", "--rate-limit-webhook=1000/5000"});
    EXPECT_DOUBLE_EQ(c.rate_limit_api.per_second, 5);
    EXPECT_EQ(c.rate_limit_api.burst, 7u);
    EXPECT_FALSE(c.rate_limit_login.enabled());
    EXPECT_DOUBLE_EQ(c.rate_limit_postback.per_second, 0.5);
    EXPECT_EQ(c.rate_limit_postback.burst, 3u);
    EXPECT_EQ(c.rate_limit_webhook.burst, 5000u);
    EXPECT_EQ(c.max_connections, 64u);
    EXPECT_EQ(c.journal_max_bytes, 200u * 1024 * 1024);
    EXPECT_EQ(load_with({{"LINKLEDGER_JOURNAL_MAX_BYTES", "0"}}).journal_max_bytes, 0u);
    EXPECT_EQ(load_with({{"LINKLEDGER_JOURNAL_MAX_BYTES", "65536"}}).journal_max_bytes, 65536u);
    EXPECT_EQ(load_with({{"LINKLEDGER_JOURNAL_MAX_BYTES", "2g"}}).journal_max_bytes, 2ull << 30);
}

TEST(config, bad_limits_name_their_variable)
{
    for (auto const* bad : {"20", "/5", "5/", "-1/5", "5/0", "1e3/5", "five/5", "5/5/5", "0/5"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_RATE_LIMIT_API", bad}}), "LINKLEDGER_RATE_LIMIT_API") << bad;
    EXPECT_EQ(failing_variable({{"LINKLEDGER_RATE_LIMIT_LOGIN", "x"}}), "LINKLEDGER_RATE_LIMIT_LOGIN");
    EXPECT_EQ(failing_variable({{"LINKLEDGER_MAX_CONNECTIONS", "0"}}), "LINKLEDGER_MAX_CONNECTIONS");
    for (auto const* bad : {"1 GiB", "GiB", "12PB", "-5", "1000", "99999999999999999999"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_JOURNAL_MAX_BYTES", bad}}), "LINKLEDGER_JOURNAL_MAX_BYTES") << bad;
}

} // namespace

TEST(config, time_zone_is_utc_by_default_and_must_look_like_an_iana_name)
{
    EXPECT_EQ(load_with({}).time_zone, "UTC");
    EXPECT_EQ(load_with({{"LINKLEDGER_TIMEZONE", "Europe/Paris"}}).time_zone, "Europe/Paris");
    EXPECT_EQ(load_with({}, {"--timezone", "America/Argentina/Buenos_Aires"}).time_zone, "America/Argentina/Buenos_Aires");
    EXPECT_EQ(load_with({}, {"--timezone=Etc/GMT-14"}).time_zone, "Etc/GMT-14");
    // Whether PostgreSQL knows the zone is checked at start (tests/integration/time_zone_test).
    for (auto const* zone : {"Europe/Paris'; DROP TABLE links;--", "../etc/passwd", "/UTC", "Europe//Paris", "Europe/",
                             "Europe Paris", "Europe/Paris\n", "A/B/C/D/E/F/G/H/I/J/K/L/M/N/O/P/Q/R/S/T/U/V/W/X/Y/Z/ABCDEFGHIJKLM"})
        EXPECT_EQ(failing_variable({{"LINKLEDGER_TIMEZONE", zone}}), "LINKLEDGER_TIMEZONE") << zone;
    EXPECT_EQ(failing_variable({}, {"--timezone", "Mars Olympus"}), "LINKLEDGER_TIMEZONE");
}

TEST(config, database_waits_are_bounded_by_default_and_settable)
{
    auto c = load_with({});
    EXPECT_EQ(c.db_lock_timeout_seconds, 5u);
    EXPECT_EQ(c.db_statement_timeout_seconds, 60u);

    c = load_with({{"LINKLEDGER_DB_LOCK_TIMEOUT", "2"}}, {"--db-statement-timeout", "300"});
    EXPECT_EQ(c.db_lock_timeout_seconds, 2u);
    EXPECT_EQ(c.db_statement_timeout_seconds, 300u);

    // 0 would be "no bound" to PostgreSQL: not what a typo should give.
    for (auto const* value : {"0", "-1", "5s", "3601"}) {
        EXPECT_EQ(failing_variable({{"LINKLEDGER_DB_LOCK_TIMEOUT", value}}), "LINKLEDGER_DB_LOCK_TIMEOUT") << value;
        EXPECT_EQ(failing_variable({{"LINKLEDGER_DB_STATEMENT_TIMEOUT", value}}), "LINKLEDGER_DB_STATEMENT_TIMEOUT")
            << value;
    }
}
