// Countries from both MaxMind DB record layouts Linkledger meets: country-only files
// ({"country_code": "FR"}: DB-IP lite, geo-whois-asn-country, the shipped data/geoip) and
// MaxMind's GeoLite2/GeoIP2 City and Country files ({"country": {"iso_code": "FR"}, ...}),
// written here with tests/support/tiny_mmdb.hpp.
#include "clicks/geoip.hpp"

#include "tiny_mmdb.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace linkledger::testing;
namespace fs = std::filesystem;

namespace {

// A country file written for one test, removed after it.
class country_file {
public:
    explicit country_file(std::string const& bytes)
        : path_(fs::temp_directory_path() / ("ll-geoip-" + std::to_string(::getpid()) + "-" + std::to_string(++count_) + ".mmdb"))
    {
        std::ofstream(path_, std::ios::binary) << bytes;
    }
    ~country_file() { fs::remove(path_); }
    std::string path() const { return path_.string(); }

private:
    fs::path path_;
    static inline int count_ = 0;
};

} // namespace

TEST(geoip, a_country_only_file_gives_its_country_code)
{
    country_file const file(mmdb::database({{1, mmdb::map({{"country_code", mmdb::utf8("FR")}})},
                                            {2, mmdb::map({{"country_code", mmdb::utf8("de")}})}},
                                           "DBIP-Country-Lite"));
    linkledger::clicks::geoip const geo(file.path());
    EXPECT_TRUE(geo.enabled());
    EXPECT_EQ(geo.country("1.2.3.4"), "FR");
    EXPECT_EQ(geo.country("2.200.0.1"), "DE"); // upper-cased
    EXPECT_EQ(geo.country("4.4.4.4"), "unknown"); // no record
}

TEST(geoip, a_city_or_country_file_gives_the_nested_iso_code)
{
    // As GeoLite2-City records are laid out: the country beside the city, the continent and the
    // registered country, each a map of its own.
    auto const city = [](std::string const& country, std::string const& registered) {
        return mmdb::map({{"city", mmdb::map({{"names", mmdb::map({{"en", mmdb::utf8("Somewhere")}})}})},
                          {"continent", mmdb::map({{"code", mmdb::utf8("EU")}})},
                          {"country", mmdb::map({{"geoname_id", mmdb::utf8("1")}, {"iso_code", mmdb::utf8(country)}})},
                          {"registered_country", mmdb::map({{"iso_code", mmdb::utf8(registered)}})}});
    };
    country_file const file(mmdb::database({{1, city("FR", "DE")}, {2, city("BE", "BE")}}, "GeoLite2-City"));
    linkledger::clicks::geoip const geo(file.path());
    EXPECT_EQ(geo.country("1.0.0.1"), "FR"); // where the visitor is, not where the block is registered
    EXPECT_EQ(geo.country("2.3.4.5"), "BE");
    EXPECT_EQ(geo.country("5.5.5.5"), "unknown");
}

TEST(geoip, a_record_without_a_two_letter_country_is_unknown)
{
    country_file const file(mmdb::database({{1, mmdb::map({{"continent", mmdb::map({{"code", mmdb::utf8("EU")}})}})},
                                            {2, mmdb::map({{"country_code", mmdb::utf8("FRA")}})},
                                            {3, mmdb::map({{"country", mmdb::map({{"names", mmdb::map({})}})}})}}));
    linkledger::clicks::geoip const geo(file.path());
    EXPECT_EQ(geo.country("1.1.1.1"), "unknown");
    EXPECT_EQ(geo.country("2.2.2.2"), "unknown");
    EXPECT_EQ(geo.country("3.3.3.3"), "unknown");
}

TEST(geoip, addresses_it_cannot_look_up_are_unknown)
{
    country_file const file(mmdb::database({{1, mmdb::map({{"country_code", mmdb::utf8("FR")}})}}));
    linkledger::clicks::geoip const geo(file.path());
    EXPECT_EQ(geo.country(""), "unknown");
    EXPECT_EQ(geo.country("not an address"), "unknown");
    EXPECT_EQ(geo.country("2001:db8::1"), "unknown"); // IPv6 in an IPv4-only file
}

TEST(geoip, without_a_file_every_country_is_unknown)
{
    linkledger::clicks::geoip const geo;
    EXPECT_FALSE(geo.enabled());
    EXPECT_EQ(geo.country("1.2.3.4"), "unknown");
    EXPECT_EQ(geo.built(), "");
}
