#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"

#include <gtest/gtest.h>

using namespace linkledger::db;

TEST(migrations, version_from_file_name)
{
    EXPECT_EQ(migration_version("0001_init.sql"), 1);
    EXPECT_EQ(migration_version("0042_x.sql"), 42);
    for (auto const* bad : {"init.sql", "0001init.sql", "_x.sql", "0000_zero.sql", ""})
        EXPECT_THROW(migration_version(bad), migration_error) << bad;
}

TEST(migrations, embedded_files_are_numbered_in_order)
{
    auto const& all = embedded_migrations();
    ASSERT_FALSE(all.empty());
    int previous = 0;
    for (auto const& m : all) {
        EXPECT_TRUE(m.name.ends_with(".sql"));
        EXPECT_GT(migration_version(m.name), previous) << m.name;
        previous = migration_version(m.name);
        EXPECT_FALSE(m.sql.empty());
    }
}
