// Unit tests for the database-free parts of db/migrator.hpp and db/embedded_migrations.hpp:
// version numbers from file names, and the migrations compiled into the binary.
#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace linkledger::db;

TEST(migrations, version_from_file_name)
{
    EXPECT_EQ(migration_version("0001_init.sql"), 1);
    EXPECT_EQ(migration_version("0042_x.sql"), 42);
    EXPECT_EQ(migration_version("0100_x.sql"), 100);
    EXPECT_EQ(migration_version("7_x.sql"), 7);
}

TEST(migrations, malformed_file_names_are_rejected)
{
    for (auto const* bad : {"init.sql", "0001init.sql", "_x.sql", "0000_zero.sql", "", "0001",
                            "-001_x.sql", "x0001_x.sql", " 0001_x.sql", "99999999999_x.sql"})
        EXPECT_THROW(migration_version(bad), migration_error) << bad;
}

TEST(migrations, embedded_files_are_numbered_in_order)
{
    auto const& all = embedded_migrations();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(migration_version(all.front().name), 1);
    int previous = 0;
    std::set<std::string_view> names;
    for (auto const& m : all) {
        EXPECT_TRUE(m.name.ends_with(".sql")) << m.name;
        int const version = migration_version(m.name);
        EXPECT_GT(version, previous) << m.name;
        previous = version;
        EXPECT_FALSE(m.sql.empty()) << m.name;
        names.insert(m.name);
    }
    EXPECT_EQ(names.size(), all.size());
}
