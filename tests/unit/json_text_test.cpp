// Answers write numbers that are not whole as plain decimals, never in exponent form.
#include "http/json_text.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using linkledger::http::json_decimal;
using linkledger::http::json_text;

TEST(json_text, rates_are_plain_decimals_that_read_back_exactly)
{
    EXPECT_EQ(json_decimal(0.125), "0.125");
    EXPECT_EQ(json_decimal(1.0), "1.0");
    EXPECT_EQ(json_decimal(0.0), "0.0");
    EXPECT_EQ(json_decimal(0.0001), "0.0001");
    EXPECT_EQ(json_decimal(-2.5), "-2.5");
    EXPECT_EQ(json_decimal(1e-7), "0.0000001");
    EXPECT_EQ(json_decimal(std::nan("")), "null");
    for (double const d : {0.3333, 12.75, 1e-9, 123456789.125, 0.1 + 0.2})
        EXPECT_EQ(boost::json::parse(json_decimal(d)).as_double(), d) << json_decimal(d);
}

TEST(json_text, everything_else_is_as_boost_writes_it)
{
    auto const value = boost::json::parse(R"({"a":[1,-2,"x\"y\u00e9",true,null,{"b":0.5}],"c":18446744073709551615})");
    EXPECT_EQ(json_text(value), R"({"a":[1,-2,"x\"yé",true,null,{"b":0.5}],"c":18446744073709551615})");
    EXPECT_EQ(boost::json::parse(json_text(value)), value);
}

// An answer that quotes a client's bytes stays valid JSON: what is not UTF-8 becomes U+FFFD,
// in values and in keys; valid text, other scripts included, is untouched.
TEST(json_text, bytes_that_are_not_utf8_become_the_replacement_character)
{
    boost::json::object o;
    o["message"] = "'\xff' is not an amount";
    o["col\xc3"] = "caf\xc3\xa9 \xe6\x97\xa5 \xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80";
    EXPECT_EQ(json_text(o), "{\"message\":\"'\xef\xbf\xbd' is not an amount\",\"col\xef\xbf\xbd\":\"caf\xc3\xa9 \xe6\x97\xa5 "
                            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}");
    EXPECT_EQ(json_text(boost::json::value("plain")), "\"plain\"");
}
