// Where the bundled country file is looked for when LINKLEDGER_GEOIP_DB is not set.
#include "clicks/geoip.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace fs = std::filesystem;

TEST(country_file, a_checkout_finds_data_geoip_under_its_working_directory)
{
    if (fs::exists("/usr/share/linkledger/geoip/country.mmdb"))
        GTEST_SKIP() << "this machine has an installed country file, which comes first";
    auto const previous = fs::current_path();
    auto const dir = fs::temp_directory_path() / ("country-file-" + std::to_string(::getpid()));
    fs::create_directories(dir / "data/geoip");
    fs::current_path(dir);
    EXPECT_EQ(linkledger::clicks::default_country_db(), "");
    std::ofstream(dir / "data/geoip/country.mmdb") << "x";
    EXPECT_EQ(linkledger::clicks::default_country_db(), "data/geoip/country.mmdb");
    fs::current_path(previous);
    fs::remove_all(dir);
}

TEST(country_file, a_file_that_is_not_a_country_database_is_refused_by_name)
{
    auto const path = fs::temp_directory_path() / ("not-mmdb-" + std::to_string(::getpid()));
    std::ofstream(path) << "not a database";
    try {
        linkledger::clicks::geoip geo(path.string());
        FAIL() << "a broken file must not be taken for a country database";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
    fs::remove(path);
}
