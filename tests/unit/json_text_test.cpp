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
