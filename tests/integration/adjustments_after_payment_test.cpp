// A sale the network has paid is on a payout statement: a refund, a chargeback or a rejection
// that comes after it is booked as an adjustment dated when it came (migration 0043), so the
// paid month keeps what was paid and the month of the clawback carries it (hostile probe 5,
// P5-8: November read 10.00 paid, then 4.00, then nothing, and December nothing at all).
#include "instance.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace linkledger::testing;

namespace {

boost::json::object json_of(http_reply const& reply, int status)
{
    EXPECT_EQ(reply.status, status) << reply.body;
    return reply.json().as_object();
}

struct offer_ref {
    std::string id;
    std::string token;
};

offer_ref make_offer(instance& ll)
{
    auto const o = json_of(ll.api("POST", "/api/v1/offers",
                                  R"({"name":"Paid shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})"),
                           201);
    auto const url = std::string(o.at("postback_url").as_string());
    auto const at = url.find("token=") + 6;
    return {std::to_string(o.at("id").as_int64()), url.substr(at, url.find('&', at) - at)};
}

boost::json::object postback(instance& ll, offer_ref const& offer, std::string const& params)
{
    return json_of(send(ll.port(), {"GET", "/postback/" + offer.id + "?token=" + offer.token + "&" + params, "", {}}), 200);
}

// A sale of 100.00 by hand, dated `at`, with the JSON fields in `more` (",\"status\":\"paid\"").
boost::json::object book(instance& ll, offer_ref const& offer, std::string const& txid, std::string const& at,
                         std::string const& more = "")
{
    return json_of(ll.api("POST", "/api/v1/conversions",
                          R"({"offer_id":)" + offer.id + R"(,"txid":")" + txid +
                              R"(","amount_minor":10000,"occurred_at":")" + at + "\"" + more + "}"),
                   201);
}

// The offer's row of the revenue report over [from, to): "conversions revenue commission approved".
std::string offer_row(instance& ll, offer_ref const& offer, std::string const& from, std::string const& to)
{
    auto const report = json_of(ll.api("GET", "/api/v1/reports/revenue?group_by=offer&from=" + from + "&to=" + to), 200);
    for (auto const& row : report.at("rows").as_array())
        if (row.at("key") == boost::json::value(offer.id))
            return boost::json::serialize(row.at("conversions")) + " " + boost::json::serialize(row.at("revenue_minor")) +
                   " " + boost::json::serialize(row.at("commission_minor")) + " " +
                   boost::json::serialize(row.at("approved_commission_minor"));
    return "none";
}

// The sale's month, everything after it (the adjustments come at the test's time), and all time.
std::string october(instance& ll, offer_ref const& offer)
{
    return offer_row(ll, offer, "2026-10-01", "2026-11-01");
}
std::string after(instance& ll, offer_ref const& offer)
{
    return offer_row(ll, offer, "2026-11-01", "2100-01-01");
}
std::string all_time(instance& ll, offer_ref const& offer)
{
    return offer_row(ll, offer, "2000-01-01", "2100-01-01");
}

// "amount/commission/approved status_before->status" for each adjustment the API lists.
std::string adjustments_of(boost::json::object const& conversion)
{
    std::string out;
    for (auto const& a : conversion.at("adjustments").as_array()) {
        auto const& o = a.as_object();
        out += (out.empty() ? "" : ", ") + boost::json::serialize(o.at("amount_minor")) + "/" +
               boost::json::serialize(o.at("commission_minor")) + "/" +
               boost::json::serialize(o.at("approved_commission_minor")) + " " +
               std::string(o.at("status_before").as_string()) + "->" + std::string(o.at("status").as_string());
    }
    return out;
}

class adjustments_after_payment : public shared_instance_test<adjustments_after_payment> {
public:
    static constexpr char const* k_label = "adjustments_after_payment";
};

} // namespace

TEST_F(adjustments_after_payment, a_refund_and_a_chargeback_after_payout_leave_the_paid_month_and_count_when_they_came)
{
    auto const offer = make_offer(*ll);
    auto const booked = book(*ll, offer, "P-1", "2026-10-10T10:00:00Z");
    auto const id = std::to_string(booked.at("id").as_int64());
    postback(*ll, offer, "txid=P-1&status=paid");
    EXPECT_EQ(october(*ll, offer), "1 10000 1000 1000");
    EXPECT_EQ(after(*ll, offer), "none");

    // The network's partial refund (its net figure 40.00, no status: the sale stays paid).
    auto const refund = postback(*ll, offer, "txid=P-1&amount=40.00");
    EXPECT_EQ(refund.at("conversion").at("amount_minor").as_int64(), 4000) << boost::json::serialize(refund);
    EXPECT_EQ(adjustments_of(refund.at("conversion").as_object()), "-6000/-600/-600 paid->paid");
    EXPECT_EQ(october(*ll, offer), "1 10000 1000 1000") << "the paid month keeps what was paid";
    EXPECT_EQ(after(*ll, offer), "0 -6000 -600 -600") << "the refund counts when it came, as no sale";
    EXPECT_EQ(all_time(*ll, offer), "1 4000 400 400");

    // Then a chargeback: rejected, nothing left.
    postback(*ll, offer, "txid=P-1&amount=0.00&status=reversed");
    EXPECT_EQ(october(*ll, offer), "1 10000 1000 1000");
    EXPECT_EQ(after(*ll, offer), "0 -10000 -1000 -1000");
    EXPECT_EQ(all_time(*ll, offer), "1 0 0 0");
    auto const shown = json_of(ll->api("GET", "/api/v1/conversions/" + id), 200);
    EXPECT_EQ(shown.at("status").as_string(), "rejected");
    EXPECT_EQ(adjustments_of(shown), "-6000/-600/-600 paid->paid, -4000/-400/-400 paid->rejected");

    // Each adjustment is filed under the day it came, as the sale is under its own.
    auto const day = ll->db().query_value("SELECT to_char(max(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM "
                                          "conversion_adjustments WHERE conversion_id = " + id);
    auto const days = json_of(ll->api("GET", "/api/v1/reports/revenue?group_by=day&from=2026-10-01&to=2100-01-01"), 200);
    std::string filed;
    for (auto const& row : days.at("rows").as_array())
        if (row.at("key") == boost::json::value("2026-10-10") || row.at("key") == boost::json::value(day))
            filed += std::string(row.at("key").as_string()) + "=" + boost::json::serialize(row.at("commission_minor")) + " ";
    // Other tests of this suite book their own sales on these days: read this offer's share.
    auto const this_offer_today = ll->db().query_value(
        "SELECT COALESCE(sum(commission_minor), 0) FROM conversion_money WHERE offer_id = " + offer.id +
        " AND (occurred_at AT TIME ZONE 'UTC')::date = '" + day + "'");
    EXPECT_EQ(this_offer_today, "-1000");
    EXPECT_NE(filed.find("2026-10-10="), std::string::npos) << filed;
    EXPECT_NE(filed.find(day + "="), std::string::npos) << filed;
}

TEST_F(adjustments_after_payment, a_sale_revived_after_a_chargeback_is_adjusted_back_when_revived)
{
    auto const offer = make_offer(*ll);
    book(*ll, offer, "R-1", "2026-10-12T10:00:00Z", ",\"status\":\"paid\"");
    postback(*ll, offer, "txid=R-1&status=reversed");
    EXPECT_EQ(october(*ll, offer), "1 10000 1000 1000");
    EXPECT_EQ(after(*ll, offer), "0 -10000 -1000 -1000");
    // The network takes its chargeback back: the sale counts again, from now, once.
    auto const revived = postback(*ll, offer, "txid=R-1&status=approved");
    EXPECT_EQ(adjustments_of(revived.at("conversion").as_object()),
              "-10000/-1000/-1000 paid->rejected, 10000/1000/1000 rejected->approved");
    EXPECT_EQ(october(*ll, offer), "1 10000 1000 1000");
    EXPECT_EQ(after(*ll, offer), "0 0 0 0");
    EXPECT_EQ(all_time(*ll, offer), "1 10000 1000 1000");
}

TEST_F(adjustments_after_payment, changes_before_payment_and_a_rejection_by_hand_after_it)
{
    auto const offer = make_offer(*ll);
    auto const booked = book(*ll, offer, "H-1", "2026-10-14T10:00:00Z");
    auto const id = std::to_string(booked.at("id").as_int64());
    // Not paid yet: a lower figure is the sale's own, in its month, with nothing to adjust.
    auto const lowered = postback(*ll, offer, "txid=H-1&amount=60.00&status=approved");
    EXPECT_EQ(adjustments_of(lowered.at("conversion").as_object()), "");
    EXPECT_EQ(october(*ll, offer), "1 6000 600 600");
    EXPECT_EQ(after(*ll, offer), "none");

    // Paid (marked by hand), then rejected by hand: the rejection is the adjustment.
    json_of(ll->api("PATCH", "/api/v1/conversions/" + id, R"({"status":"paid"})"), 200);
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM conversion_adjustments WHERE conversion_id = " + id), "0");
    auto const rejected = json_of(ll->api("PATCH", "/api/v1/conversions/" + id, R"({"status":"rejected"})"), 200);
    EXPECT_EQ(adjustments_of(rejected), "-6000/-600/-600 paid->rejected");
    EXPECT_EQ(october(*ll, offer), "1 6000 600 600");
    EXPECT_EQ(after(*ll, offer), "0 -6000 -600 -600");

    // A status-only move back from paid keeps the amount counted: only the approved commission moves.
    auto const other = json_of(ll->api("POST", "/api/v1/conversions",
                                       R"({"offer_id":)" + offer.id +
                                           R"(,"txid":"H-2","amount_minor":5000,"occurred_at":"2026-10-15T10:00:00Z","status":"paid"})"),
                               201);
    auto const back = postback(*ll, offer, "txid=H-2&status=pending");
    EXPECT_EQ(adjustments_of(back.at("conversion").as_object()), "0/0/-500 paid->pending");
    EXPECT_EQ(october(*ll, offer), "2 11000 1100 1100");
    EXPECT_EQ(after(*ll, offer), "0 -6000 -600 -1100");
    EXPECT_EQ(other.at("adjustments").as_array().size(), 0u);
}

// Review (R6-1): a re-imported report saying "approved" after the payout moved the sale out of
// paid and changed no figure, so nothing marked it settled, and the chargeback after it rewrote
// the paid month again. A sale once paid stays settled, whatever status it moves to.
TEST_F(adjustments_after_payment, a_paid_sale_moved_back_to_approved_stays_settled_for_the_chargeback_after)
{
    auto const offer = make_offer(*ll);
    book(*ll, offer, "B-1", "2026-10-16T10:00:00Z", ",\"status\":\"paid\"");
    auto const approved = postback(*ll, offer, "txid=B-1&status=approved");
    EXPECT_EQ(adjustments_of(approved.at("conversion").as_object()), "") << "approved counts as paid did";
    auto const reversed = postback(*ll, offer, "txid=B-1&amount=0.00&status=reversed");
    EXPECT_EQ(adjustments_of(reversed.at("conversion").as_object()), "-10000/-1000/-1000 approved->rejected");
    EXPECT_EQ(october(*ll, offer), "1 10000 1000 1000");
    EXPECT_EQ(after(*ll, offer), "0 -10000 -1000 -1000");
    EXPECT_EQ(all_time(*ll, offer), "1 0 0 0");
}

// Review (R6-7): each answer and event carries the sale's adjustments; a sale flipped between
// paid and pending many times carries its last 20, while the reports count every one.
TEST_F(adjustments_after_payment, a_sale_flipped_many_times_carries_its_last_twenty_adjustments)
{
    auto const offer = make_offer(*ll);
    book(*ll, offer, "F-1", "2026-10-18T10:00:00Z", ",\"status\":\"paid\"");
    boost::json::object last;
    for (int i = 0; i < 12; ++i) {
        postback(*ll, offer, "txid=F-1&status=pending");
        last = postback(*ll, offer, "txid=F-1&status=paid");
    }
    auto const& listed = last.at("conversion").at("adjustments").as_array();
    ASSERT_EQ(listed.size(), 20u);
    EXPECT_EQ(listed.back().at("status").as_string(), "paid");
    EXPECT_EQ(october(*ll, offer), "1 10000 1000 1000");
    EXPECT_EQ(after(*ll, offer), "0 0 0 0");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM conversion_adjustments a JOIN conversions c ON c.id = "
                                   "a.conversion_id WHERE c.offer_id = " + offer.id),
              "24");
}

// Review (R6-2): a video's page listed the sale as it stands (40.00) under its curve's 100.00,
// and the month of the refund listed nothing under its -60.00.
TEST_F(adjustments_after_payment, a_videos_sales_list_adds_up_to_its_curve_with_the_adjustments)
{
    auto const offer = make_offer(*ll);
    auto const video = json_of(ll->api("POST", "/api/v1/videos",
                                       R"({"platform":"tiktok","title":"Paid haul","posted_at":"2026-10-01T18:00:00Z"})"),
                               201);
    auto const video_id = std::to_string(video.at("id").as_int64());
    json_of(ll->api("POST", "/api/v1/promo-codes",
                    R"({"code":"PAIDHAUL","offer_id":)" + offer.id + R"(,"video_id":)" + video_id + "}"),
            201);
    book(*ll, offer, "V-1", "2026-10-20T10:00:00Z", ",\"code\":\"PAIDHAUL\",\"status\":\"paid\"");
    postback(*ll, offer, "txid=V-1&amount=40.00");
    auto const listed = [&](std::string const& from, std::string const& to) {
        auto const page = json_of(ll->api("GET", "/api/v1/reports/sales?video_id=" + video_id + "&from=" + from + "&to=" + to), 200);
        std::string out;
        for (auto const& r : page.at("rows").as_array())
            out += (out.empty() ? "" : ", ") + boost::json::serialize(r.at("amount_minor")) + "/" +
                   boost::json::serialize(r.at("commission_minor")) + " " + std::string(r.at("status").as_string()) +
                   (r.at("adjustment").as_bool() ? " adjustment" : "");
        return out;
    };
    EXPECT_EQ(listed("2026-10-01", "2026-11-01"), "10000/1000 paid");
    EXPECT_EQ(listed("2026-11-01", "2100-01-01"), "-6000/-600 paid adjustment");
    EXPECT_EQ(listed("2026-10-01", "2100-01-01"), "-6000/-600 paid adjustment, 10000/1000 paid");
}

// Review (rev7-4): a sale paid at 0.00 and then rejected changes no figure, so books no
// adjustment; it left its paid month (1 sale, then none). Paid once, it stays counted there.
TEST_F(adjustments_after_payment, a_sale_paid_at_nothing_and_rejected_stays_counted_in_its_month)
{
    auto const offer = make_offer(*ll);
    json_of(ll->api("POST", "/api/v1/conversions",
                    R"({"offer_id":)" + offer.id + R"(,"txid":"Z-1","amount_minor":0,"occurred_at":"2026-10-22T10:00:00Z","status":"paid"})"),
            201);
    EXPECT_EQ(october(*ll, offer), "1 0 0 0");
    postback(*ll, offer, "txid=Z-1&status=reversed");
    EXPECT_EQ(october(*ll, offer), "1 0 0 0");
    EXPECT_EQ(after(*ll, offer), "none");
}
