// The text the shipper puts in a COPY row: a timestamp as PostgreSQL reads a timestamptz, and
// fields escaped so that a tab or a newline in a User-Agent cannot shift the columns.
#include "clicks/click_batch_store.hpp"
#include "db/copy_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace linkledger;
using namespace std::chrono;

namespace {

std::string timestamp(sys_days day, microseconds since_midnight)
{
    std::string out = "x";
    clicks::append_copy_timestamp(out, system_clock::time_point(day) + since_midnight);
    return out.substr(1); // appended, not replacing
}

} // namespace

TEST(copy_timestamp, formats_every_part_with_leading_zeros)
{
    EXPECT_EQ(timestamp(2026y / 12 / 3, hours(11) + minutes(5) + seconds(9) + microseconds(42)),
              "2026-12-03 11:05:09.000042+00");
    EXPECT_EQ(timestamp(1970y / 1 / 1, microseconds(0)), "1970-01-01 00:00:00.000000+00");
    EXPECT_EQ(timestamp(2028y / 2 / 29, hours(23) + minutes(59) + seconds(59) + microseconds(999'999)),
              "2028-02-29 23:59:59.999999+00");
    EXPECT_EQ(timestamp(2000y / 3 / 1, hours(8)), "2000-03-01 08:00:00.000000+00");
}

TEST(copy_timestamp, drops_what_is_finer_than_a_microsecond)
{
    auto const at = system_clock::time_point(sys_days(2026y / 1 / 31)) + nanoseconds(1'234'567'891);
    std::string out;
    clicks::append_copy_timestamp(out, at);
    EXPECT_EQ(out, "2026-01-31 00:00:01.234567+00");
}

TEST(copy_field, escapes_what_would_end_a_field_or_a_row)
{
    std::string line;
    db::append_copy_field(line, "a\tb\nc\\d\re");
    db::append_copy_field(line, "");
    EXPECT_EQ(line, "a\\tb\\nc\\\\d\\re\t\t");
}
