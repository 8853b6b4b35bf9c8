// What a client's JSON may not leave to chance: a key twice in one object, or a number a double
// cannot hold as written.
#include "http/http_error.hpp"
#include "http/json_strict.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

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

// A body written for others too (a shop's webhook, a network's postback) is refused only for a
// key twice; its inexact numbers are listed for the reader of each field to judge. WooCommerce
// writes a line's price as a PHP float, which nothing of ours reads.
TEST(json_strict, a_shop_s_float_in_a_field_nobody_reads_is_only_listed)
{
    auto const woo = R"({"total":"25.00","line_items":[{"price":8.333333333333334,"quantity":3}]})";
    EXPECT_NO_THROW(refuse_duplicate_keys(woo));
    EXPECT_EQ(verdict(woo), "inexact_number price") << "the API's own bodies stay strict";
    auto const found = find_ambiguity(woo);
    EXPECT_EQ(found.inexact_keys, (std::set<std::string>{"price"}));
    EXPECT_TRUE(found.duplicate_key.empty());
    EXPECT_THROW(refuse_duplicate_keys(R"({"a":{"b":1,"b":1.5}})"), http_error);
}

TEST(json_strict, thousands_of_keys_are_checked_at_once)
{
    std::string many = "{";
    for (int i = 0; i < 8000; ++i)
        many.append(i ? "," : "").append("\"k").append(std::to_string(i)).append("\":1");
    EXPECT_EQ(verdict(many + "}"), "accepted");
    EXPECT_EQ(verdict(many + ",\"k7999\":2}"), "duplicate_field k7999");
}
