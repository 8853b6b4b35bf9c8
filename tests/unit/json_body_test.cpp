// The time grammar every API field, query parameter and CSV cell holding a date or time goes
// through (http/json_body): strict RFC 3339 / ISO 8601, so that PostgreSQL never reads a time
// other than the one written.
#include "http/http_error.hpp"
#include "http/json_body.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

using linkledger::http::checked_time;
using linkledger::http::looks_like_iso_time;

TEST(iso_time, dates_and_times_in_range_are_taken)
{
    for (auto const* good :
         {"2026-01-01", "2026-12-31", "2026-02-29", "2026-01-01T00:00", "2026-01-01 23:59", "2026-01-01T23:59:59",
          "2026-01-01T00:00:00Z", "2026-01-01T00:00:00z", "2026-01-01T00:00Z", "2026-01-01T00:00:00.5Z",
          "2026-01-01T00:00:00.123456789Z", "2026-01-01T00:00:00.123456+00:00", "2026-01-01 18:00:00+01",
          "2026-01-01T18:00:00-0430", "2026-01-01T18:00:00+23:59", "2026-01-01T18:00-05:00", "2026-01-01T18:00:00.25"})
        EXPECT_TRUE(looks_like_iso_time(good)) << good;
}

TEST(iso_time, anything_postgresql_would_read_otherwise_is_refused)
{
    for (auto const* bad :
         {"", "2026", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "2026-00-01", "2026-13-01", "2026-01-00",
          "2026-01-32", "2026-01-01T", "2026-01-01 ", "2026-01-01T24:00", "2026-01-01T25:00", "2026-01-01T00:60",
          "2026-01-01T00:00:60Z", "2026-01-01T00", "2026-01-01T0:00", "2026-01-01T00:0", "2026-01-01T00:00:0",
          "2026-01-01T00:00:00Z+01:00", "2026-01-01T00:00:00ZZ", "2026-01-01T00:00:00+01:00Z",
          "2026-01-01T00:00:00-24:00", "2026-01-01T00:00:00+01:60", "2026-01-01T00:00:00+1", "2026-01-01T00:00:00+013",
          "2026-01-01T00:00:00+01:0", "2026-01-01T00:00:00+01:", "2026-01-01T00:00:00+", "2026-01-01T00:00:00.Z",
          "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00.5Z", "2026-01-01T00:00:00 Z", "2026-01-01  00:00",
          "2026-01-01t00:00", "2026-01-01T00:00:00 +01:00", "2026-01-01T00:00:00Z ", " 2026-01-01", "2026-01-01Z",
          "2026-01-01T00:00:00+01:00:00", "2026-01-01T00:00:00 America/New_York", "2026-01-01T00:00:00EST",
          "2026-01-01T00:00:00+01:00 BC", "2026-01-01 epoch", "now", "infinity", "2026-01-01T00:00:00\n"})
        EXPECT_FALSE(looks_like_iso_time(bad)) << bad;
}

TEST(iso_time, a_query_parameter_that_is_not_one_is_a_400_naming_it)
{
    EXPECT_FALSE(checked_time(std::nullopt, "since"));
    EXPECT_FALSE(checked_time(std::string(), "since"));
    EXPECT_EQ(checked_time(std::string("2026-01-01"), "since"), "2026-01-01");
    // '+' sent unencoded in a query arrives as a space: only the offset's sign can be one.
    EXPECT_EQ(checked_time(std::string("2026-01-01T10:00:00 01:00"), "since"), "2026-01-01T10:00:00+01:00");
    EXPECT_EQ(checked_time(std::string("2026-01-01 10:00:00 0530"), "since"), "2026-01-01 10:00:00+0530");
    EXPECT_EQ(checked_time(std::string("2026-01-01 10:00"), "since"), "2026-01-01 10:00");
    for (auto const* bad : {"2026-01-01T10:00:00Z 01:00", "2026-01-01T10:00:00  01:00",
                            "2026-01-01T10:00:00 -01:00", "2026 01-01"})
        EXPECT_THROW((void)checked_time(std::string(bad), "since"), linkledger::http::http_error) << bad;
    try {
        (void)checked_time(std::string("2026-01-01T00:00:00Z+01:00"), "since");
        FAIL() << "taken";
    } catch (linkledger::http::http_error const& e) {
        EXPECT_EQ(e.field, "since");
        EXPECT_EQ(static_cast<int>(e.status), 400);
    }
}
