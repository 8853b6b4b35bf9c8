// Unit tests for the money edge: amounts as networks write them, half-to-even commissions,
// status words, CSV reports and shop order payloads.
#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "http/http_error.hpp"
#include "money/amount.hpp"
#include "money/conversion_status.hpp"
#include "money/csv_import.hpp"
#include "money/offer.hpp"
#include "money/shop_orders.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace linkledger::money;

TEST(amount, decimal_major_units_become_minor_units_per_currency)
{
    EXPECT_EQ(parse_major_amount("19.99", "EUR"), 1999);
    EXPECT_EQ(parse_major_amount("19,99", "EUR"), 1999); // French exports
    EXPECT_EQ(parse_major_amount("20", "EUR"), 2000);
    EXPECT_EQ(parse_major_amount("0.5", "USD"), 50);
    EXPECT_EQ(parse_major_amount("19.990", "EUR"), 1999); // harmless trailing zero
    EXPECT_EQ(parse_major_amount("1500", "JPY"), 1500);
    EXPECT_EQ(parse_major_amount("1.234", "KWD"), 1234);
    EXPECT_EQ(parse_major_amount("-3.10", "EUR"), -310);
}

// A network's "1,000" yen is a thousand yen or one; "10.000" euros ten thousand or ten: refused,
// never booked as 1 or 10. Two or four digits after the separator are not in doubt.
TEST(amount, a_written_figure_that_may_group_thousands_is_refused)
{
    for (auto const& [text, currency] : std::initializer_list<std::pair<char const*, char const*>>{
             {"1,000", "JPY"}, {"10.000", "EUR"}, {"1,500", "EUR"}, {"19.990", "EUR"}, {"2.000", "USD"}})
        EXPECT_FALSE(parse_written_amount(text, currency).has_value()) << text << " " << currency;
    EXPECT_EQ(parse_written_amount("1000", "JPY"), 1000);
    EXPECT_EQ(parse_written_amount("1000.00", "JPY"), 1000);
    EXPECT_EQ(parse_written_amount("19,99", "EUR"), 1999);
    EXPECT_EQ(parse_written_amount("19.9900", "EUR"), 1999);
    EXPECT_EQ(parse_written_amount("1.234", "KWD"), 1234) << "three decimals are KWD's own";
    // With a comma, KWD's "1,234" is 1234 dinars in English and 1.234 in French: refused too.
    EXPECT_FALSE(parse_written_amount("1,234", "KWD").has_value());
    EXPECT_FALSE(parse_written_amount("12,345", "BHD").has_value());
    EXPECT_EQ(parse_written_amount("0,500", "KWD"), 500);
    EXPECT_EQ(parse_written_amount("1,5", "KWD"), 1500);
    // No thousands group can start with 0 or hold four digits.
    EXPECT_EQ(parse_written_amount("0.500", "EUR"), 50);
    EXPECT_EQ(parse_written_amount("1234.500", "EUR"), 123450);
    EXPECT_FALSE(parse_written_amount("-1,000", "EUR").has_value());
}

TEST(amount, anything_else_is_refused_never_rounded)
{
    for (auto const* bad : {"", "abc", "19.999", "1.5", "1,234.56", "1e3", ".5", "5.", " 5", "--5", "99999999999999999999"}) {
        auto const currency = std::string(bad) == "1.5" ? "JPY" : "EUR";
        EXPECT_FALSE(parse_major_amount(bad, currency).has_value()) << bad;
    }
    EXPECT_FALSE(parse_major_amount("10.00", "EURO").has_value());
    EXPECT_FALSE(parse_major_amount("10.00", "XXX").has_value());
}

TEST(amount, formats_back_to_decimals)
{
    EXPECT_EQ(format_major_amount(1999, "EUR"), "19.99");
    EXPECT_EQ(format_major_amount(5, "EUR"), "0.05");
    EXPECT_EQ(format_major_amount(-310, "EUR"), "-3.10");
    EXPECT_EQ(format_major_amount(1500, "JPY"), "1500");
    EXPECT_EQ(format_major_amount(1234, "KWD"), "1.234");
}

TEST(amount, known_currencies_and_their_exponents)
{
    EXPECT_EQ(currency_exponent("EUR"), 2);
    EXPECT_EQ(currency_exponent("JPY"), 0);
    EXPECT_EQ(currency_exponent("BHD"), 3);
    EXPECT_EQ(currency_exponent("ZWL"), 2);
    EXPECT_EQ(currency_exponent("AED"), 2);
    EXPECT_FALSE(currency_exponent("eur").has_value());
}

TEST(commission, percent_rounds_half_to_even)
{
    EXPECT_EQ(percent_commission(1999, 1000), 200); // 199.9
    EXPECT_EQ(percent_commission(1005, 1000), 100); // 100.5 → even 100
    EXPECT_EQ(percent_commission(1015, 1000), 102); // 101.5 → even 102
    EXPECT_EQ(percent_commission(1025, 1000), 102); // 102.5 → even 102
    EXPECT_EQ(percent_commission(1, 5000), 0);      // 0.5 → 0
    EXPECT_EQ(percent_commission(3, 5000), 2);      // 1.5 → 2
    EXPECT_EQ(percent_commission(10000, 10000), 10000);
    EXPECT_EQ(percent_commission(0, 1234), 0);
    EXPECT_EQ(percent_commission(-1015, 1000), -102); // a refund mirrors its sale
    // No overflow on the largest sales we accept.
    EXPECT_EQ(percent_commission(1'000'000'000'000'000, 2500), 250'000'000'000'000);
}

// A network's commission meets a new amount that came without a figure (a partial refund):
// before, it was kept whole, 2.50 on a sale refunded to 1.00 and on one refunded to 0.
TEST(commission, a_reported_figure_meets_a_new_amount_without_one_in_proportion)
{
    EXPECT_EQ(reported_commission_at(250, 1000, 1000, false), 250) << "a status update keeps it";
    EXPECT_EQ(reported_commission_at(250, 1000, 100, false), 25);
    EXPECT_EQ(reported_commission_at(250, 1000, 0, false), 0);
    EXPECT_EQ(reported_commission_at(250, 1000, 1200, false), 300) << "a corrected amount, up";
    EXPECT_EQ(reported_commission_at(5, 10, 1, false), 0) << "0.5 → even 0";
    EXPECT_EQ(reported_commission_at(15, 10, 1, true), 2) << "1.5 → even 2";
    EXPECT_EQ(reported_commission_at(25, 10, 1, true), 2) << "2.5 → even 2";
    // A lead worth 0 gives no proportion: what it pays is kept, within the offer's cap.
    EXPECT_EQ(reported_commission_at(500, 0, 1000, true), 500);
    EXPECT_EQ(reported_commission_at(500, 0, 100, false), 100);
    // Above its amount (a lead offer's, or booked before the limits): the proportion, then the cap.
    EXPECT_EQ(reported_commission_at(250, 100, 50, true), 125);
    EXPECT_EQ(reported_commission_at(250, 100, 50, false), 50);
    // The largest sales do not overflow.
    EXPECT_EQ(reported_commission_at(1'000'000'000'000, 1'000'000'000'000, 999'999'999'999, false), 999'999'999'999);
}

TEST(status, network_words_map_to_four_states)
{
    EXPECT_EQ(normalize_status("Approved"), "approved");
    EXPECT_EQ(normalize_status("confirmed"), "approved");
    EXPECT_EQ(normalize_status("1"), "approved");
    EXPECT_EQ(normalize_status("on-hold"), "pending");
    EXPECT_EQ(normalize_status("DECLINED"), "rejected");
    EXPECT_EQ(normalize_status("canceled"), "rejected");
    EXPECT_EQ(normalize_status("refunded"), "rejected");
    EXPECT_EQ(normalize_status("paid"), "paid");
    EXPECT_FALSE(normalize_status("maybe").has_value());
    EXPECT_FALSE(normalize_status("").has_value());
    EXPECT_FALSE(counts("rejected"));
    EXPECT_TRUE(counts("pending"));
}

TEST(csv, header_aliases_separators_quotes_and_line_numbers)
{
    auto const csv = parse_sales_csv("\xEF\xBB\xBFOrder ID;Sale Amount;Coupon\r\n"
                                     "A1;\"12,50\";LEA10\r\n"
                                     "\r\n"
                                     "\"A;2\";\"3\"\"4\";\"multi\nline\"\r\n"
                                     "A3;1\n");
    ASSERT_EQ(csv.rows.size(), 3u);
    EXPECT_EQ(csv.rows[0].line, 2u);
    EXPECT_EQ(csv.rows[0].fields.at("txid"), "A1");
    EXPECT_EQ(csv.rows[0].fields.at("amount"), "12,50");
    EXPECT_EQ(csv.rows[0].fields.at("code"), "LEA10");
    EXPECT_EQ(csv.rows[1].line, 4u);
    EXPECT_EQ(csv.rows[1].fields.at("txid"), "A;2");
    EXPECT_EQ(csv.rows[1].fields.at("amount"), "3\"4");
    EXPECT_EQ(csv.rows[1].fields.at("code"), "multi\nline");
    EXPECT_EQ(csv.rows[2].line, 6u);
    EXPECT_EQ(csv.rows[2].fields.at("#cells"), "2"); // one cell short: reported, not guessed
}

// Networks' own column names (Awin, CJ, Impact, ShareASale, Rakuten) are read as ours; a click's
// date is not the sale's and stays unread.
TEST(csv, network_report_headers_are_read_by_their_own_names)
{
    auto const awin = parse_sales_csv("Transaction Id,Order Date,Click Ref,Sale Amount,Commission Amount,Status\n"
                                      "AW-1,2026-11-15,CLICK,100.00,8.00,approved\n");
    ASSERT_EQ(awin.rows.size(), 1u);
    auto const& fields = awin.rows[0].fields;
    EXPECT_EQ(fields.at("txid"), "AW-1");
    EXPECT_EQ(fields.at("date"), "2026-11-15");
    EXPECT_EQ(fields.at("click_id"), "CLICK");
    EXPECT_EQ(fields.at("amount"), "100.00");
    EXPECT_EQ(fields.at("commission"), "8.00");
    EXPECT_EQ(fields.at("status"), "approved");

    auto const column_of = [](std::string const& header) {
        auto const csv = parse_sales_csv("txid,amount," + header + "\nT,1.00,X\n");
        for (auto const& [name, value] : csv.rows.at(0).fields)
            if (value == "X")
                return name;
        return std::string("(not read)");
    };
    for (auto const* header : {"Transaction Date", "Order Date", "Sale Date", "Event Date", "Conversion Date"})
        EXPECT_EQ(column_of(header), "date") << header;
    for (auto const* header : {"Click Ref", "Clickref", "Sub ID", "SubID", "sub_id", "aff_sub"})
        EXPECT_EQ(column_of(header), "click_id") << header;
    for (auto const* header : {"Commission Amount", "Publisher Commission", "Total Commission", "Payout"})
        EXPECT_EQ(column_of(header), "commission") << header;
    for (auto const* header : {"Voucher Code", "Coupon Code", "Discount Code"})
        EXPECT_EQ(column_of(header), "code") << header;
    EXPECT_EQ(column_of("Currency Code"), "currency");
    EXPECT_EQ(column_of("Transaction Status"), "status");
    for (auto const* header : {"Sale Amount", "Order Value", "Order Amount", "Transaction Amount", "Sale Value", "Trans Amount"}) {
        auto const csv = parse_sales_csv(std::string("txid,") + header + "\nT,1.00\n");
        EXPECT_EQ(csv.rows.at(0).fields.at("amount"), "1.00") << header;
    }
    for (auto const* header : {"Order ID", "Trans ID", "Transaction ID"}) {
        auto const csv = parse_sales_csv(std::string(header) + ",amount\nT,1.00\n");
        EXPECT_EQ(csv.rows.at(0).fields.at("txid"), "T") << header;
    }
    EXPECT_NE(column_of("Click Date"), "date");
}

// A time column alone is not a date: a Rakuten report writes the day and the hour apart, and a
// later "Transaction Time" read as the date made every row "'23:30:00' is not a date".
TEST(csv, a_time_column_is_not_read_as_the_date)
{
    auto const csv = parse_sales_csv("Transaction ID,Sale Amount,Transaction Date,Transaction Time\n"
                                     "R-1,10.00,2026-11-30,23:30:00\n");
    ASSERT_EQ(csv.rows.size(), 1u);
    EXPECT_EQ(csv.rows[0].fields.at("date"), "2026-11-30");
    EXPECT_EQ(csv.unknown_columns, (std::vector<std::string>{"Transaction Time"}));
    for (auto const* header : {"Transaction Time", "Order Time", "Sale Time"}) {
        auto const alone = parse_sales_csv(std::string("txid,amount,") + header + "\nT,1.00,23:30:00\n");
        EXPECT_FALSE(alone.has_column("date")) << header;
        EXPECT_EQ(alone.unknown_columns, (std::vector<std::string>{header})) << header;
    }
}

// Two columns of one field: a blank cell never overrides a filled one (a trailing empty aff_sub
// dropped the Sub ID's click). Two filled ids that differ keep the last, as before (a report's
// own sub id beside ours); two dates that differ are a conflict, as two amounts are.
TEST(csv, a_blank_cell_never_overrides_a_filled_one_of_the_same_field)
{
    auto const ids = parse_sales_csv("Order ID,Amount,Sub ID,aff_sub,Voucher,Coupon\n"
                                     "X1,10.00,CLICKX,,LEA10,\n"
                                     "X2,10.00,,CLICKY,,LEA20\n"
                                     "X3,10.00,THEIRS,OURS,A,B\n");
    ASSERT_EQ(ids.rows.size(), 3u);
    EXPECT_EQ(ids.rows[0].fields.at("click_id"), "CLICKX");
    EXPECT_EQ(ids.rows[0].fields.at("code"), "LEA10");
    EXPECT_EQ(ids.rows[1].fields.at("click_id"), "CLICKY");
    EXPECT_EQ(ids.rows[1].fields.at("code"), "LEA20");
    EXPECT_EQ(ids.rows[2].fields.at("click_id"), "OURS");
    EXPECT_EQ(ids.rows[2].fields.at("code"), "B");
    for (auto const& row : ids.rows)
        EXPECT_FALSE(row.fields.contains("#conflict")) << row.line;

    auto const dates = parse_sales_csv("txid,amount,Order Date,Transaction Date\n"
                                       "D1,1.00,2026-11-01,\n"
                                       "D2,1.00,,2026-11-02\n"
                                       "D3,1.00,2026-11-03, 2026-11-03\n"
                                       "D4,1.00,2026-11-04,2026-11-05\n");
    ASSERT_EQ(dates.rows.size(), 4u);
    EXPECT_EQ(dates.rows[0].fields.at("date"), "2026-11-01");
    EXPECT_EQ(dates.rows[1].fields.at("date"), "2026-11-02");
    EXPECT_EQ(dates.rows[2].fields.at("date"), "2026-11-03");
    for (std::size_t i : {0u, 1u, 2u})
        EXPECT_FALSE(dates.rows[i].fields.contains("#conflict")) << dates.rows[i].line;
    ASSERT_TRUE(dates.rows[3].fields.contains("#conflict"));
    EXPECT_EQ(dates.rows[3].fields.at("#conflict"), "date");

    auto const amounts = parse_sales_csv("txid,Sale Amount,Order Amount\nA1,,5.00\nA2,5.00,\n");
    EXPECT_EQ(amounts.rows.at(0).fields.at("amount"), "5.00");
    EXPECT_EQ(amounts.rows.at(1).fields.at("amount"), "5.00");
}

// A column the import does not read is listed, as written, never dropped without a word; its
// cells are not kept (a column named "#cells" cannot pose as the reader's own marks).
TEST(csv, columns_the_import_does_not_read_are_listed_as_written)
{
    auto const csv = parse_sales_csv("Advertiser Name,txid, Click Date ,amount,,#conflict\nShop,T1,2026-11-01,1.00,x,amount\n");
    EXPECT_EQ(csv.unknown_columns, (std::vector<std::string>{"Advertiser Name", "Click Date", "#conflict"}));
    ASSERT_EQ(csv.rows.size(), 1u);
    EXPECT_EQ(csv.rows[0].fields, (std::map<std::string, std::string>{{"txid", "T1"}, {"amount", "1.00"}}));
    EXPECT_TRUE(parse_sales_csv("Order ID,Sale Amount\nT,1\n").unknown_columns.empty());
}

TEST(csv, a_file_without_txid_or_amount_or_with_an_open_quote_is_refused)
{
    EXPECT_THROW(parse_sales_csv("id,total\n1,2\n"), linkledger::http::http_error);
    EXPECT_THROW(parse_sales_csv("txid,amount\n\"1,2\n"), linkledger::http::http_error);
    EXPECT_NO_THROW(parse_sales_csv("TXID,AMOUNT\n"));
}

TEST(shop_orders, shopify_order_maps_total_status_code_and_click)
{
    auto const order = boost::json::parse(R"({"id":450789469,"total_price":"199.65","current_total_price":"150.00",
        "currency":"EUR","financial_status":"partially_refunded","cancelled_at":null,
        "discount_codes":[{"code":"LEA10","amount":"10.00"}],
        "landing_site":"/products/x?utm_source=tiktok&click_id=01JABCDEF","created_at":"2026-11-24T10:00:00+01:00"})")
                           .as_object();
    auto const o = shopify_order(order);
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->txid, "450789469");
    EXPECT_EQ(o->total, "199.65"); // before refunds: they are counted apart, once each
    EXPECT_EQ(o->status, "approved");
    EXPECT_EQ(o->codes, std::vector<std::string>{"LEA10"});
    EXPECT_EQ(o->click_id, "01JABCDEF");
    auto cancelled = order;
    cancelled["cancelled_at"] = "2026-11-25T10:00:00Z";
    EXPECT_EQ(shopify_order(cancelled)->status, "rejected");
    cancelled["cancelled_at"] = nullptr;
    cancelled["financial_status"] = "authorized";
    EXPECT_EQ(shopify_order(cancelled)->status, "pending");
    EXPECT_FALSE(shopify_order(boost::json::parse(R"({"webhook_id":1})").as_object()).has_value());
}

// The link's target names the sub-id parameter its click id travels under (the README's example
// is subid={click_id}), and the shop keeps it in the order's landing page or its attributes: a
// click id under subid, clickid, sub_id or aff_sub is found as under click_id. Under those names a
// value that is no click id (a network's own sub-id) is not ours; click_id comes first.
TEST(shop_orders, a_click_id_is_found_under_the_sub_id_names_a_target_uses)
{
    std::string const id = "01JDZQ5C9M7R3K8T2V6W4X0Y1Z";
    for (auto const* name : {"subid", "clickid", "sub_id", "aff_sub"}) {
        auto const shopify = shopify_order(boost::json::parse(R"({"id":1,"total_price":"10.00","currency":"EUR",
            "financial_status":"paid","landing_site":"/p?utm_source=tiktok&)" + std::string(name) + "=" + id + R"("})")
                                               .as_object());
        EXPECT_EQ(shopify->click_id, id) << name;
        auto const woo = woocommerce_order(boost::json::parse(R"({"id":2,"status":"completed","total":"10.00",
            "meta_data":[{"key":")" + std::string(name) + R"(","value":")" + id + R"("}]})")
                                               .as_object());
        EXPECT_EQ(woo->click_id, id) << name;
    }
    auto const theirs = shopify_order(boost::json::parse(R"({"id":3,"total_price":"10.00","financial_status":"paid",
        "landing_site":"/p?subid=creator-42"})").as_object());
    EXPECT_EQ(theirs->click_id, "");
    auto const both = shopify_order(boost::json::parse(R"({"id":4,"total_price":"10.00","financial_status":"paid",
        "landing_site":"/p?subid=01JDZQ5C9M7R3K8T2V6W4X0Y2A&click_id=)" + id + R"("})").as_object());
    EXPECT_EQ(both->click_id, id);
    auto const empty_first = shopify_order(boost::json::parse(R"({"id":5,"total_price":"10.00","financial_status":"paid",
        "landing_site":"/p?click_id=&subid=)" + id + R"("})").as_object());
    EXPECT_EQ(empty_first->click_id, id);
}

TEST(shop_orders, woocommerce_order_and_shopify_refund)
{
    auto const woo = woocommerce_order(boost::json::parse(R"({"id":727,"status":"completed","currency":"EUR","total":"42.50",
        "date_created_gmt":"2026-11-24T09:00:00","coupon_lines":[{"code":"lea10"}],
        "meta_data":[{"key":"click_id","value":"01JXYZ"}]})")
                                         .as_object());
    ASSERT_TRUE(woo.has_value());
    EXPECT_EQ(woo->txid, "727");
    EXPECT_EQ(woo->status, "approved");
    EXPECT_EQ(woo->codes, std::vector<std::string>{"lea10"});
    EXPECT_EQ(woo->click_id, "01JXYZ");
    EXPECT_EQ(woo->occurred_at, "2026-11-24T09:00:00Z");
    auto const refund = shopify_refund(boost::json::parse(R"({"order_id":5,"transactions":[
        {"kind":"refund","status":"success","amount":"10.00"},{"kind":"refund","status":"failure","amount":"99.00"},
        {"kind":"refund","status":"success","amount":"2.50"}]})")
                                           .as_object());
    ASSERT_TRUE(refund.has_value());
    EXPECT_EQ(refund->txid, "5");
    EXPECT_EQ(refund->amounts, (std::vector<std::string>{"10.00", "2.50"}));
}

TEST(shop_orders, webhook_signature_is_base64_hmac_sha256)
{
    // RFC 4231 test case 2, in the base64 form Shopify and WooCommerce send.
    linkledger::crypto::hmac_sha256 mac("Jefe");
    EXPECT_EQ(linkledger::crypto::base64(mac.mac("what do ya want for nothing?")),
              "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    EXPECT_EQ(linkledger::crypto::base64(""), "");
    EXPECT_EQ(linkledger::crypto::base64("f"), "Zg==");
}
