// Every integration test starts clear of a UTC midnight (tests/support/one_utc_day.hpp). Many
// send clicks or sales and read today's row, today's unique visitors or yesterday's salts back;
// a midnight between the two made them fail, once in a while, at no fault of the server. Here
// once for all of them rather than in each: ctest runs each test in a process of its own, so the
// check before the suites (their shared instance included) and before each test costs nothing
// unless a midnight is less than two minutes away.
#include "one_utc_day.hpp"

#include <gtest/gtest.h>

namespace {

class one_utc_day_per_test : public ::testing::EmptyTestEventListener {
    void OnTestStart(::testing::TestInfo const&) override { linkledger::testing::stay_in_one_utc_day(); }
};

class one_utc_day_before_the_suites : public ::testing::Environment {
    void SetUp() override { linkledger::testing::stay_in_one_utc_day(); }
};

[[maybe_unused]] bool const registered = [] {
    ::testing::AddGlobalTestEnvironment(new one_utc_day_before_the_suites);
    ::testing::UnitTest::GetInstance()->listeners().Append(new one_utc_day_per_test);
    return true;
}();

} // namespace
