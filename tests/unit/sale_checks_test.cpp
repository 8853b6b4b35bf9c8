// The one set of limits every sale meets before it reaches PostgreSQL (money/sale_checks.hpp).
#include "http/http_error.hpp"
#include "money/sale_checks.hpp"

#include <gtest/gtest.h>

using namespace linkledger::money;
namespace http = linkledger::http;

namespace {

sale good_sale()
{
    sale s;
    s.txid = "ORDER-1";
    s.amount_minor = 1999;
    s.via = "postback";
    return s;
}

std::string refused_field(sale const& s, offer const& o = {})
{
    try {
        check_sale(s, o);
    } catch (http::http_error const& e) {
        EXPECT_EQ(e.status, http::status::bad_request);
        return e.field;
    }
    return "(accepted)";
}

} // namespace

TEST(sale_checks, a_sale_within_every_limit_passes)
{
    auto s = good_sale();
    s.currency = "JPY";
    s.click_id = "01JDZQ5C9M7R3K8T2V6W4X0Y1Z";
    s.code = "LÉA10"; // UTF-8 is fine
    s.reported_commission_minor = 1999;
    s.amount_minor = k_max_amount_minor;
    s.reported_commission_minor = k_max_amount_minor;
    EXPECT_EQ(refused_field(s), "(accepted)");
}

TEST(sale_checks, text_that_postgresql_would_refuse_or_cut_short_names_its_field)
{
    auto with = [](auto change) {
        auto s = good_sale();
        change(s);
        return refused_field(s);
    };
    EXPECT_EQ(with([](sale& s) { s.txid = std::string("ST-A\0zzz", 8); }), "txid");
    EXPECT_EQ(with([](sale& s) { s.txid = "BAD\xff"; }), "txid");
    EXPECT_EQ(with([](sale& s) { s.txid = ""; }), "txid");
    EXPECT_EQ(with([](sale& s) { s.txid = std::string(201, 'x'); }), "txid");
    EXPECT_EQ(with([](sale& s) { s.click_id = "\xc0\xaf"; }), "click_id");
    EXPECT_EQ(with([](sale& s) { s.code = "A\tB"; }), "code");
    EXPECT_EQ(with([](sale& s) { s.occurred_at = "2026-11-20\n"; }), "date");
}

TEST(sale_checks, money_outside_the_limits_names_its_field)
{
    auto with = [](auto change) {
        auto s = good_sale();
        change(s);
        return refused_field(s);
    };
    EXPECT_EQ(with([](sale& s) { s.currency = "ZZZ"; }), "currency");
    EXPECT_EQ(with([](sale& s) { s.currency = "eur"; }), "currency");
    EXPECT_EQ(with([](sale& s) { s.amount_minor = k_max_amount_minor + 1; }), "amount");
    EXPECT_EQ(with([](sale& s) { s.amount_minor = -1; }), "amount");
    EXPECT_EQ(with([](sale& s) { s.reported_commission_minor = 2000; }), "commission");
    EXPECT_EQ(with([](sale& s) { s.reported_commission_minor = -1; }), "commission");
}

TEST(sale_checks, an_offer_for_leads_may_pay_more_than_the_sale)
{
    auto s = good_sale();
    s.amount_minor = 0;
    s.reported_commission_minor = 500;
    EXPECT_EQ(refused_field(s), "commission");
    offer leads;
    leads.allow_commission_above_amount = true;
    EXPECT_EQ(refused_field(s, leads), "(accepted)");
    // An offer that computes its own commission keeps the network's figure only beside it: the
    // sale is taken whatever the figure says (before, the whole postback was refused and lost).
    offer percent;
    percent.commission.type = "percent";
    percent.commission.rate_bps = 1000;
    EXPECT_EQ(refused_field(s, percent), "(accepted)");
    offer reported;
    reported.commission.type = "reported";
    EXPECT_EQ(refused_field(s, reported), "commission");
}

TEST(sale_checks, a_sale_time_may_lie_a_day_ahead_of_now_and_no_more)
{
    using namespace std::chrono;
    // 2026-12-05T12:00:00Z
    auto const now = sys_days{year{2026} / 12 / 5} + hours{12};
    auto const refused = [&](std::string const& at) {
        try {
            check_sale_time(at, "as written", "occurred_at", now);
        } catch (http::http_error const& e) {
            EXPECT_EQ(e.status, http::status::bad_request);
            EXPECT_NE(std::string(e.what()).find("'as written' is in the future"), std::string::npos) << e.what();
            return e.field;
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(refused("2026-12-05T12:00:00.000000Z"), "(accepted)");
    EXPECT_EQ(refused("2020-01-01T00:00:00.000000Z"), "(accepted)");
    EXPECT_EQ(refused("2026-12-06T12:00:00.000000Z"), "(accepted)") << "exactly a day ahead";
    EXPECT_EQ(refused("2026-12-06T12:00:01.000000Z"), "occurred_at");
    EXPECT_EQ(refused("2099-01-01T00:00:00.000000Z"), "occurred_at");
    EXPECT_EQ(refused("12026-01-01T00:00:00.000000Z"), "occurred_at") << "a year past 9999 is ahead too";
    EXPECT_EQ(refused("294276-12-31T23:59:59.000000Z"), "occurred_at") << "PostgreSQL's last year";
}

// A probe typed 0026-11-30 for 2026-11-30: booked, it fell in no period the dashboard shows.
TEST(sale_checks, a_sale_time_before_2000_is_refused_as_a_typo)
{
    using namespace std::chrono;
    auto const now = sys_days{year{2026} / 12 / 5} + hours{12};
    auto const refused = [&](std::string const& at) {
        try {
            check_sale_time(at, "as written", "date", now);
        } catch (http::http_error const& e) {
            EXPECT_NE(std::string(e.what()).find("'as written' is before 2000"), std::string::npos) << e.what();
            return e.field;
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(refused("2000-01-01T00:00:00.000000Z"), "(accepted)");
    EXPECT_EQ(refused("1999-12-31T23:00:00.000000Z"), "(accepted)") << "2000-01-01 alone, in Paris";
    EXPECT_EQ(refused("1999-12-30T23:59:59.999999Z"), "date");
    EXPECT_EQ(refused("1926-11-30T10:00:00.000000Z"), "date");
    EXPECT_EQ(refused("0026-11-29T23:50:39.000000Z"), "date");
    EXPECT_EQ(refused("0026-11-30T10:00:00.000000Z BC"), "date");
}
