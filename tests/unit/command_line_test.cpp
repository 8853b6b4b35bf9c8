// Unit tests for cli/command_line.hpp: which command runs, with which options, and the help.
#include "cli/command_line.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace linkledger::cli;
using linkledger::config::config_error;

namespace {

using fake_env = std::map<std::string, std::string>;

fake_env const k_with_database{{"LINKLEDGER_DATABASE_URL", "postgresql://u@db/ll"}};
fake_env const k_empty;

// Parses `linkledger <args...>` against `env`.
command_line parse_args(std::vector<std::string> const& args, fake_env const& env = k_with_database)
{
    std::vector<char const*> argv{"linkledger"};
    for (auto const& a : args)
        argv.push_back(a.c_str());
    argv.push_back(nullptr);
    return parse(static_cast<int>(argv.size() - 1), argv.data(),
                 [&env](char const* name) -> char const* {
                     auto const it = env.find(name);
                     return it == env.end() ? nullptr : it->second.c_str();
                 });
}

// The variable (or argument) the config_error names, or a marker when nothing was thrown.
std::string failing_part(std::vector<std::string> const& args, fake_env const& env = k_with_database)
{
    try {
        parse_args(args, env);
    } catch (config_error const& e) {
        return e.variable;
    }
    return "(no error)";
}

bool mentions(std::string const& text, std::string const& word)
{
    return text.find(word) != std::string::npos;
}

} // namespace

TEST(command_line, serve)
{
    auto const cl = parse_args({"serve"});
    EXPECT_EQ(cl.what, command::serve);
    EXPECT_FALSE(cl.show_help);
    EXPECT_EQ(cl.settings.database_url, "postgresql://u@db/ll");
    EXPECT_EQ(cl.settings.listen.port, 8080);
    EXPECT_GE(cl.settings.threads, 1u);
}

TEST(command_line, serve_with_settings_flags)
{
    auto const cl = parse_args({"serve", "--listen", "0.0.0.0:9000", "--log-level=debug"});
    EXPECT_EQ(cl.what, command::serve);
    EXPECT_EQ(cl.settings.listen.host, "0.0.0.0");
    EXPECT_EQ(cl.settings.listen.port, 9000);
    EXPECT_EQ(cl.settings.log_level, "debug");

    auto const from_flag = parse_args({"serve", "--database-url", "host=db dbname=ll"}, k_empty);
    EXPECT_EQ(from_flag.settings.database_url, "host=db dbname=ll");
}

TEST(command_line, migrate)
{
    auto const cl = parse_args({"migrate"});
    EXPECT_EQ(cl.what, command::migrate);
    EXPECT_FALSE(cl.show_help);
    EXPECT_EQ(cl.settings.database_url, "postgresql://u@db/ll");
}

TEST(command_line, api_key_create)
{
    auto cl = parse_args({"api-key", "create", "--name", "ci deploys"});
    EXPECT_EQ(cl.what, command::api_key_create);
    EXPECT_FALSE(cl.show_help);
    EXPECT_EQ(cl.api_key_name, "ci deploys");
    EXPECT_EQ(cl.settings.database_url, "postgresql://u@db/ll");

    cl = parse_args({"api-key", "create", "--name=lea"});
    EXPECT_EQ(cl.api_key_name, "lea");

    cl = parse_args({"api-key", "create", "--listen", "127.0.0.1:9", "--name", "lea"});
    EXPECT_EQ(cl.api_key_name, "lea");
    EXPECT_EQ(cl.settings.listen.port, 9);

    cl = parse_args({"api-key", "create", "--name", std::string(200, 'n')});
    EXPECT_EQ(cl.api_key_name.size(), 200u);
}

TEST(command_line, commands_need_a_database_url)
{
    EXPECT_EQ(failing_part({"serve"}, k_empty), "LINKLEDGER_DATABASE_URL");
    EXPECT_EQ(failing_part({"migrate"}, k_empty), "LINKLEDGER_DATABASE_URL");
    EXPECT_EQ(failing_part({"api-key", "create", "--name", "x"}, k_empty), "LINKLEDGER_DATABASE_URL");
}

TEST(command_line, top_level_help)
{
    for (auto const& args : {std::vector<std::string>{}, std::vector<std::string>{"--help"},
                             std::vector<std::string>{"-h"}, std::vector<std::string>{"help"}}) {
        auto const cl = parse_args(args, k_empty);
        EXPECT_EQ(cl.what, command::help);
        EXPECT_TRUE(cl.show_help);
    }
}

TEST(command_line, help_per_command)
{
    // No database URL is needed just to read the help.
    auto cl = parse_args({"serve", "--help"}, k_empty);
    EXPECT_EQ(cl.what, command::serve);
    EXPECT_TRUE(cl.show_help);

    cl = parse_args({"migrate", "-h"}, k_empty);
    EXPECT_EQ(cl.what, command::migrate);
    EXPECT_TRUE(cl.show_help);

    cl = parse_args({"api-key", "create", "--help"}, k_empty);
    EXPECT_EQ(cl.what, command::api_key_create);
    EXPECT_TRUE(cl.show_help);

    // --help wins over options that would otherwise be errors.
    cl = parse_args({"serve", "--bogus", "--help"}, k_empty);
    EXPECT_EQ(cl.what, command::serve);
    EXPECT_TRUE(cl.show_help);
}

TEST(command_line, unknown_command_throws)
{
    EXPECT_EQ(failing_part({"frobnicate"}), "frobnicate");
    EXPECT_EQ(failing_part({"Serve"}), "Serve");
    EXPECT_EQ(failing_part({"--listen", "127.0.0.1:1", "serve"}), "--listen");
    EXPECT_EQ(failing_part({"api-key"}), "api-key");
    EXPECT_EQ(failing_part({"api-key", "delete"}), "api-key");
}

TEST(command_line, unknown_option_throws)
{
    EXPECT_EQ(failing_part({"serve", "--bogus"}), "--bogus");
    EXPECT_EQ(failing_part({"serve", "--bogus=1"}), "--bogus=1");
    EXPECT_EQ(failing_part({"migrate", "extra"}), "extra");
    EXPECT_EQ(failing_part({"serve", "--name", "x"}), "--name"); // only api-key create takes --name
    EXPECT_EQ(failing_part({"api-key", "create", "--name", "x", "--bogus"}), "--bogus");
}

TEST(command_line, api_key_create_needs_a_name)
{
    EXPECT_EQ(failing_part({"api-key", "create"}), "--name");
    EXPECT_EQ(failing_part({"api-key", "create", "--name"}), "--name");
    EXPECT_EQ(failing_part({"api-key", "create", "--name="}), "--name");
    EXPECT_EQ(failing_part({"api-key", "create", "--name", std::string(201, 'n')}), "--name");
}

TEST(command_line, bad_settings_name_their_variable)
{
    EXPECT_EQ(failing_part({"serve", "--listen", "nowhere"}), "LINKLEDGER_LISTEN");
    EXPECT_EQ(failing_part({"serve", "--threads=0"}), "LINKLEDGER_THREADS");
    EXPECT_EQ(failing_part({"serve"}, {{"LINKLEDGER_DATABASE_URL", "host=x port"}}),
              "LINKLEDGER_DATABASE_URL");
}

TEST(command_line, top_level_help_mentions_each_command)
{
    auto const text = help_text(command::help);
    EXPECT_TRUE(mentions(text, "serve")) << text;
    EXPECT_TRUE(mentions(text, "migrate")) << text;
    EXPECT_TRUE(mentions(text, "api-key create")) << text;
    EXPECT_TRUE(mentions(text, "--help")) << text;
}

TEST(command_line, command_help_shows_usage_and_settings)
{
    EXPECT_TRUE(mentions(help_text(command::serve), "linkledger serve"));
    EXPECT_TRUE(mentions(help_text(command::migrate), "linkledger migrate"));
    EXPECT_TRUE(mentions(help_text(command::api_key_create), "linkledger api-key create"));
    EXPECT_TRUE(mentions(help_text(command::api_key_create), "--name"));
    for (auto what : {command::serve, command::migrate, command::api_key_create}) {
        auto const text = help_text(what);
        for (auto const& s : linkledger::config::settings()) {
            EXPECT_TRUE(mentions(text, s.flag)) << s.flag;
            EXPECT_TRUE(mentions(text, s.env)) << s.env;
        }
    }
}
