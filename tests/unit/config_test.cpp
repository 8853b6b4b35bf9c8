#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace linkledger::config;

namespace {

struct fake_env {
    std::map<std::string, std::string> vars;
    env_lookup lookup() const
    {
        return [this](char const* name) -> char const* {
            auto const it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

config load_with(fake_env const& env, std::vector<std::string> args = {})
{
    std::vector<std::string> rest;
    return load(env.lookup(), args, rest);
}

std::string failing_variable(fake_env const& env, std::vector<std::string> args = {})
{
    try {
        load_with(env, std::move(args));
    } catch (config_error const& e) {
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
    EXPECT_EQ(c.click_retention_days, 395u);
}

TEST(config, environment_and_flags)
{
    fake_env env{{{"LINKLEDGER_LISTEN", "0.0.0.0:9000"},
                  {"LINKLEDGER_PUBLIC_URL", "https://go.example.com/"},
                  {"LINKLEDGER_DATA_DIR", "/srv/ll"},
                  {"LINKLEDGER_LOG_LEVEL", "debug"},
                  {"LINKLEDGER_THREADS", "3"},
                  {"LINKLEDGER_DATABASE_URL", "postgresql://u@db/ll"}}};
    auto c = load_with(env);
    EXPECT_EQ(c.listen.host, "0.0.0.0");
    EXPECT_EQ(c.listen.port, 9000);
    EXPECT_EQ(c.public_url, "https://go.example.com"); // trailing slash trimmed
    EXPECT_EQ(c.data_dir, "/srv/ll");
    EXPECT_EQ(c.threads, 3u);
    EXPECT_EQ(c.database_url, "postgresql://u@db/ll");

    c = load_with(env, {"--listen", "127.0.0.1:7000", "--log-level=warn"});
    EXPECT_EQ(c.listen.port, 7000);
    EXPECT_EQ(c.log_level, "warn");

    c = load_with({{{"LINKLEDGER_LISTEN", "[::1]:9001"}}});
    EXPECT_EQ(c.listen.host, "::1");
    EXPECT_EQ(c.public_url, "http://[::1]:9001");
}

TEST(config, bad_values_name_their_variable)
{
    for (auto const* listen : {"nowhere", "127.0.0.1:", "127.0.0.1:70000", "::1:80", ":80", "h:x"})
        EXPECT_EQ(failing_variable({{{"LINKLEDGER_LISTEN", listen}}}), "LINKLEDGER_LISTEN") << listen;
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_LOG_LEVEL", "loud"}}}), "LINKLEDGER_LOG_LEVEL");
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_THREADS", "0"}}}), "LINKLEDGER_THREADS");
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_THREADS", "x"}}}), "LINKLEDGER_THREADS");
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_PUBLIC_URL", "ftp://x"}}}), "LINKLEDGER_PUBLIC_URL");
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_PUBLIC_URL", "not a url"}}}), "LINKLEDGER_PUBLIC_URL");
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_DATABASE_URL", "postgresql://[bad"}}}), "LINKLEDGER_DATABASE_URL");
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_DATABASE_URL", "host=x port"}}}), "LINKLEDGER_DATABASE_URL");
    EXPECT_EQ(failing_variable({{{"LINKLEDGER_GEOIP_DB", "/no/such/file.mmdb"}}}), "LINKLEDGER_GEOIP_DB");
    EXPECT_EQ(failing_variable({}, {"--listen"}), "--listen");
}

TEST(config, other_arguments_are_returned)
{
    std::vector<std::string> rest;
    load(fake_env{}.lookup(), {"--name", "x", "--threads", "2"}, rest);
    EXPECT_EQ(rest, (std::vector<std::string>{"--name", "x"}));
}
