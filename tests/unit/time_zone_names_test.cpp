// Unit tests for the shape of zone names (db/time_zones) and for telling an instant from a
// wall-clock time in a report's from/to (reports/report_period); PostgreSQL's own checks are
// in tests/integration/time_zone_test.cpp.
#include "db/time_zones.hpp"
#include "http/json_body.hpp"

#include <gtest/gtest.h>

using linkledger::db::plausible_zone_name;
using linkledger::http::has_utc_offset;

TEST(time_zone_names, iana_names_are_plausible)
{
    for (auto const* name : {"UTC", "Europe/Paris", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Etc/GMT+3",
                             "Etc/GMT-14", "America/Port-au-Prince", "EST5EDT"})
        EXPECT_TRUE(plausible_zone_name(name)) << name;
}

TEST(time_zone_names, anything_else_is_not)
{
    for (auto const* name : {"", "/etc/passwd", "../etc/passwd", "Europe/../../x", "Europe//Paris", "Europe/", "Europe Paris",
                             "Europe/Paris'", "Europe/Paris;", "Europe/Paris\n", "Europe\\Paris", "Europe/Pâris"})
        EXPECT_FALSE(plausible_zone_name(name)) << name;
    EXPECT_TRUE(plausible_zone_name(std::string(64, 'A')));
    EXPECT_FALSE(plausible_zone_name(std::string(65, 'A')));
}

TEST(time_zone_names, an_offset_makes_an_instant_a_date_or_a_bare_time_is_local)
{
    for (auto const* instant : {"2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00", "2026-03-29 03:00:00+02",
                                "2026-03-28T20:30:00-0430", "2026-03-29t01:00:00z"})
        EXPECT_TRUE(has_utc_offset(instant)) << instant;
    for (auto const* local : {"2026-03-29", "2026-03-29T02:30:00", "2026-03-29 02:30", "2026-03-29T02:30:00.5"})
        EXPECT_FALSE(has_utc_offset(local)) << local;
}
