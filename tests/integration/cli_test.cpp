// The linkledger command line: config errors, help, API keys and migrations, run as a user
// would run them, against a real PostgreSQL.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <future>

using namespace linkledger::testing;

namespace {

int line_count(std::string const& text)
{
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(cli, invalid_config_is_one_line_naming_the_variable_and_exit_2)
{
    struct bad_case {
        std::string variable;
        std::string value;
    };
    for (auto const& c : std::vector<bad_case>{{"LINKLEDGER_LISTEN", "nowhere"},
                                               {"LINKLEDGER_LISTEN", "127.0.0.1:99999"},
                                               {"LINKLEDGER_PUBLIC_URL", "ftp://x"},
                                               {"LINKLEDGER_LOG_LEVEL", "loud"},
                                               {"LINKLEDGER_THREADS", "0"},
                                               {"LINKLEDGER_DATABASE_URL", "postgresql://[broken"}}) {
        environment env{{"LINKLEDGER_DATABASE_URL", "postgresql:///x"}};
        env[c.variable] = c.value;
        auto const result = run_linkledger({"serve"}, env);
        EXPECT_EQ(result.exit_code, 2) << c.variable << "=" << c.value << ": " << result.err;
        EXPECT_EQ(line_count(result.err), 1) << result.err;
        EXPECT_NE(result.err.find(c.variable), std::string::npos) << result.err;
    }
    auto const missing = run_linkledger({"migrate"}, {});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("LINKLEDGER_DATABASE_URL"), std::string::npos) << missing.err;

    auto const flag = run_linkledger({"serve", "--listen", "bad"}, {{"LINKLEDGER_DATABASE_URL", "postgresql:///x"}});
    EXPECT_EQ(flag.exit_code, 2);
    EXPECT_NE(flag.err.find("LINKLEDGER_LISTEN"), std::string::npos) << flag.err;
    EXPECT_EQ(run_linkledger({"serve", "--frobnicate"}, {{"LINKLEDGER_DATABASE_URL", "postgresql:///x"}}).exit_code, 2);
    EXPECT_EQ(run_linkledger({"launch"}, {}).exit_code, 2);
    EXPECT_EQ(run_linkledger({"api-key", "create"}, {{"LINKLEDGER_DATABASE_URL", "postgresql:///x"}}).exit_code, 2);
}

TEST(cli, every_command_has_help)
{
    for (auto const& args : std::vector<std::vector<std::string>>{
             {"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"api-key", "create", "--help"}}) {
        auto const result = run_linkledger(args, {});
        EXPECT_EQ(result.exit_code, 0);
        EXPECT_NE(result.out.find("Usage: linkledger"), std::string::npos) << result.out;
    }
    auto const serve = run_linkledger({"serve", "--help"}, {});
    for (auto const* variable : {"LINKLEDGER_DATABASE_URL", "LINKLEDGER_LISTEN", "LINKLEDGER_PUBLIC_URL",
                                 "LINKLEDGER_DATA_DIR", "LINKLEDGER_LOG_LEVEL"})
        EXPECT_NE(serve.out.find(variable), std::string::npos) << variable;
}

TEST(cli, api_key_create_prints_the_key_once_as_the_last_line)
{
    scratch_database db("cli_key");
    auto const result = run_linkledger({"api-key", "create", "--name", "zapier"}, {{"LINKLEDGER_DATABASE_URL", db.url()}});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto const key = last_line(result.out);
    EXPECT_TRUE(key.starts_with("ll_")) << result.out;
    EXPECT_EQ(key.size(), 46u);
    EXPECT_EQ(db.query_value("SELECT name FROM api_keys"), "zapier");
    EXPECT_EQ(db.query_value("SELECT count(*) FROM api_keys WHERE sha256 = sha256(convert_to('" + key + "', 'UTF8'))"), "1");
    EXPECT_EQ(result.err.find(key), std::string::npos) << "the key must not be logged";
}

TEST(cli, migrate_is_idempotent)
{
    scratch_database db("cli_migrate");
    environment env{{"LINKLEDGER_DATABASE_URL", db.url()}};
    auto const first = run_linkledger({"migrate"}, env);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.err.find("migration applied name=0001_init.sql"), std::string::npos) << first.err;
    auto const applied = db.query_value("SELECT count(*) FROM schema_migrations");
    EXPECT_NE(applied, "0");

    auto const second = run_linkledger({"migrate"}, env);
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(second.err.find("migration applied"), std::string::npos) << second.err;
    EXPECT_EQ(db.query_value("SELECT count(*) FROM schema_migrations"), applied);
}

TEST(cli, a_changed_migration_is_refused)
{
    scratch_database db("cli_checksum");
    environment env{{"LINKLEDGER_DATABASE_URL", db.url()}};
    ASSERT_EQ(run_linkledger({"migrate"}, env).exit_code, 0);
    db.execute("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1");
    auto const refused = run_linkledger({"migrate"}, env);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("0001_init.sql was changed after it was applied"), std::string::npos) << refused.err;
    // serve refuses too, before it listens.
    auto const serve = run_linkledger({"serve", "--listen", "127.0.0.1:0"}, env);
    EXPECT_EQ(serve.exit_code, 1);
    EXPECT_EQ(serve.err.find("listening on"), std::string::npos) << serve.err;
}

TEST(cli, a_newer_schema_is_refused)
{
    scratch_database db("cli_newer");
    environment env{{"LINKLEDGER_DATABASE_URL", db.url()}};
    ASSERT_EQ(run_linkledger({"migrate"}, env).exit_code, 0);
    db.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_future.sql', 'x')");
    auto const refused = run_linkledger({"migrate"}, env);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("newer than this linkledger knows"), std::string::npos) << refused.err;
}

TEST(cli, concurrent_migrations_apply_each_file_once)
{
    scratch_database db("cli_race");
    environment env{{"LINKLEDGER_DATABASE_URL", db.url()}};
    std::vector<std::future<command_result>> runs;
    for (int i = 0; i < 4; ++i)
        runs.push_back(std::async(std::launch::async, [&env] { return run_linkledger({"migrate"}, env); }));
    int applied_lines = 0;
    for (auto& run : runs) {
        auto const result = run.get();
        EXPECT_EQ(result.exit_code, 0) << result.err;
        for (std::size_t at = 0; (at = result.err.find("migration applied name=0001_init.sql", at)) != std::string::npos; ++at)
            ++applied_lines;
    }
    EXPECT_EQ(applied_lines, 1);
    EXPECT_EQ(db.query_value("SELECT count(*) FROM schema_migrations WHERE version = 1"), "1");
}

} // namespace
