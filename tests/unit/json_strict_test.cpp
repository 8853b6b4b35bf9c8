// What a client's JSON may not leave to chance: a key twice in one object, or a number a double
// cannot hold as written.
#include "http/http_error.hpp"
#include "http/json_strict.hpp"

#include <gtest/gtest.h>

using namespace linkledger::http;

namespace {

// "code field", or "accepted".
std::string verdict(std::string_view text)
{
    try {
        refuse_ambiguous_json(text);
    } catch (http_error const& e) {
        return e.code + " " + e.field;
    }
    return "accepted";
}

} // namespace

TEST(json_strict, a_key_given_twice_in_one_object_is_refused_by_name)
{
    EXPECT_EQ(verdict(R"({"txid":"T2","amount":"1.00","amount":"1000.00"})"), "duplicate_field amount");
    EXPECT_EQ(verdict(R"({"a":{"status":"approved","status":"rejected"}})"), "duplicate_field status");
    EXPECT_EQ(verdict(R"({"rules":[{"t":1},{"t":2,"t":3}]})"), "duplicate_field t");
    // The same key in two objects, or as a value, is no repeat.
    EXPECT_EQ(verdict(R"({"rules":[{"t":1},{"t":2}],"t":"t","x":{"t":{"t":0}}})"), "accepted");
}

TEST(json_strict, a_number_is_read_as_written_or_refused)
{
    for (auto const* exact : {R"({"amount":19.99})", R"({"amount":0.1})", R"({"amount":-0.000012345678901234})",
                              R"({"amount":123456789012345.0})", R"({"amount":1e21})", R"({"id":18446744073709551615})",
                              R"({"id":-9223372036854775808})", R"([1.5, 2])"})
        EXPECT_EQ(verdict(exact), "accepted") << exact;
    EXPECT_EQ(verdict(R"({"amount":19.999999999999999})"), "inexact_number amount");
    EXPECT_EQ(verdict(R"({"order_id":123456789012345678901234567890})"), "inexact_number order_id");
    EXPECT_EQ(verdict(R"({"x":[1.0000000000000001]})"), "inexact_number x");
    EXPECT_EQ(verdict("1.2345678901234567"), "inexact_number body");
}

TEST(json_strict, a_json_number_prints_as_the_decimal_it_was)
{
    EXPECT_EQ(decimal_text(19.99), "19.99");
    EXPECT_EQ(decimal_text(8.33), "8.33");
    EXPECT_EQ(decimal_text(1e21), "1000000000000000000000");
    EXPECT_EQ(decimal_text(0.000012345678901234), "0.000012345678901234");
    EXPECT_EQ(decimal_text(12.5), "12.5");
}
