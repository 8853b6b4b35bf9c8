// A network's postback that states a status and no amount (a reversal, an approval, sent as the
// network's template leaves it: `amount` absent, empty or an unfilled `{amount}`), over real HTTP on
// the real database: it moves the booked sale's status by the rules any postback follows and keeps
// the sale's amount, commission and currency as booked; the revenue report follows. Before, it was
// refused 400 "amount is required" and a sale the network reversed stayed counted.
#include "instance.hpp"
#include "sale_figures.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <future>
#include <string>

using namespace linkledger::testing;

namespace {

class postback_status_only : public shared_instance_test<postback_status_only> {
public:
    static constexpr char const* k_label = "postback_status_only";

protected:
    struct offer_ref {
        std::string id;
        std::string token;
        std::string template_target; // the offer's postback URL as the network pastes it, from /postback/
    };

    static offer_ref make_offer(std::string const& commission = R"({"type":"percent","rate_bps":1000})")
    {
        auto const reply =
            ll->api("POST", "/api/v1/offers", R"({"name":"Shop","currency":"EUR","commission":)" + commission + "}");
        EXPECT_EQ(reply.status, 201) << reply.body;
        auto const o = reply.json().as_object();
        auto const url = std::string(o.at("postback_url").as_string());
        auto const at = url.find("token=") + 6;
        return {std::to_string(o.at("id").as_int64()), url.substr(at, url.find('&', at) - at),
                url.substr(url.find("/postback/"))};
    }

    static http_reply postback(offer_ref const& offer, std::string const& params)
    {
        return send(ll->port(), {"GET", "/postback/" + offer.id + "?token=" + offer.token + "&" + params, "", {}});
    }

    // The answer of a postback that must be accepted.
    static boost::json::object accepted(http_reply const& reply)
    {
        EXPECT_EQ(reply.status, 200) << reply.body;
        return reply.status == 200 ? reply.json().as_object() : boost::json::object{};
    }

    static std::string result_of(http_reply const& reply)
    {
        auto const answer = accepted(reply);
        return answer.contains("result") ? std::string(answer.at("result").as_string()) : "";
    }

    static std::string booked(offer_ref const& offer, std::string const& txid)
    {
        return booked_sale(*ll, offer.id, txid);
    }

    // "conversions revenue commission approved_commission", or "none counted".
    static std::string totals(offer_ref const& offer) { return revenue_row(*ll, offer.id, true); }

    static void expect_refused(http_reply const& reply, std::string const& field, std::string const& code)
    {
        EXPECT_EQ(reply.status, 400) << reply.body;
        if (reply.status != 400)
            return;
        auto const error = reply.json().at("error").as_object();
        EXPECT_EQ(error.at("field").as_string(), field) << reply.body;
        EXPECT_EQ(error.at("code").as_string(), code) << reply.body;
    }

    // The last postback entry of the audit log for the offer.
    static std::string last_audit(offer_ref const& offer)
    {
        return ll->db().query_value("SELECT action || ' ' || summary FROM audit_log WHERE actor_kind = 'postback' AND "
                                    "actor_id = " + offer.id + " ORDER BY id DESC LIMIT 1");
    }
};

TEST_F(postback_status_only, a_reversal_by_status_alone_takes_the_sale_out_of_the_totals)
{
    // A subscriber to sale.updated, so the events are enqueued (their delivery is not waited for).
    ll->db().execute("INSERT INTO webhook_endpoints (url, events, secret) VALUES "
                     "('http://127.0.0.1:9/status-only', '{sale.updated}', 'whsec_status_only')");
    auto const offer = make_offer();
    EXPECT_EQ(result_of(postback(offer, "txid=R-1&amount=100.00&status=approved")), "created");
    EXPECT_EQ(result_of(postback(offer, "txid=R-2&amount=30.00&status=approved")), "created");
    EXPECT_EQ(totals(offer), "2 13000 1300 1300");

    auto const reversed = accepted(postback(offer, "txid=R-1&status=rejected"));
    EXPECT_EQ(reversed.at("result"), "updated") << reversed;
    auto const& conversion = reversed.at("conversion").as_object();
    EXPECT_EQ(conversion.at("status"), "rejected");
    EXPECT_EQ(conversion.at("amount_minor"), 10000);
    EXPECT_EQ(conversion.at("commission_minor"), 1000);
    EXPECT_EQ(conversion.at("currency"), "EUR");
    EXPECT_EQ(reversed.at("warnings").as_array().size(), 0u) << reversed;
    EXPECT_EQ(booked(offer, "R-1"), "10000/1000/rejected");
    EXPECT_EQ(totals(offer), "1 3000 300 300");
    EXPECT_EQ(last_audit(offer), "postback.accepted result=updated txid=R-1 status=rejected amount_minor=10000 EUR "
                                 "commission_minor=1000 attribution=none");
    EXPECT_EQ(ll->db().query_value("SELECT string_agg((data ->> 'previous_status') || '->' || (data ->> 'status') || ' ' "
                                   "|| (data ->> 'amount_minor'), ',') FROM webhook_events "
                                   "WHERE type = 'sale.updated' AND data ->> 'txid' = 'R-1'"),
              "approved->rejected 10000");

    // Said again, it changes nothing, and the entry says so.
    EXPECT_EQ(result_of(postback(offer, "txid=R-1&status=rejected&amount=")), "unchanged");
    EXPECT_EQ(last_audit(offer), "postback.accepted result=unchanged txid=R-1 status=rejected amount_minor=10000 EUR "
                                 "commission_minor=1000 attribution=none");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM webhook_events WHERE data ->> 'txid' = 'R-1' AND "
                                   "type = 'sale.updated'"),
              "1");
    EXPECT_EQ(booked(offer, "R-2"), "3000/300/approved");
    EXPECT_EQ(totals(offer), "1 3000 300 300");
    ll->db().execute("UPDATE webhook_endpoints SET active = false WHERE url = 'http://127.0.0.1:9/status-only'");
}

TEST_F(postback_status_only, an_approval_and_a_payout_by_status_alone_keep_the_booked_figures)
{
    auto const offer = make_offer();
    EXPECT_EQ(result_of(postback(offer, "txid=A-1&amount=49.99")), "created");
    EXPECT_EQ(totals(offer), "1 4999 500 0");
    EXPECT_EQ(result_of(postback(offer, "txid=A-1&status=approved&amount=")), "updated");
    EXPECT_EQ(booked(offer, "A-1"), "4999/500/approved");
    EXPECT_EQ(totals(offer), "1 4999 500 500");
    // In a JSON body as in a form: the same.
    auto const paid = send(ll->port(), {"POST", "/postback/" + offer.id,
                                        R"({"token":")" + offer.token + R"(","txid":"A-1","status":"paid"})",
                                        {{"Content-Type", "application/json"}}});
    EXPECT_EQ(result_of(paid), "updated");
    EXPECT_EQ(booked(offer, "A-1"), "4999/500/paid");
    EXPECT_EQ(totals(offer), "1 4999 500 500");
    // A move back is made and leaves its trace, as with an amount.
    EXPECT_EQ(result_of(postback(offer, "txid=A-1&status=pending")), "updated");
    EXPECT_EQ(booked(offer, "A-1"), "4999/500/pending");
    EXPECT_EQ(ll->db().query_value("SELECT summary FROM audit_log WHERE action = 'conversion.status_back' AND "
                                   "summary LIKE 'txid=A-1 %'"),
              "txid=A-1 status=paid->pending");

    // The network's figure of a reported offer and the commission it set stay as they were.
    auto const reported = make_offer(R"({"type":"reported"})");
    EXPECT_EQ(result_of(postback(reported, "txid=N-1&amount=100.00&commission=7.03")), "created");
    EXPECT_EQ(result_of(postback(reported, "txid=N-1&status=approved")), "updated");
    EXPECT_EQ(booked(reported, "N-1"), "10000/703/approved");
    EXPECT_EQ(ll->db().query_value("SELECT network_commission_minor FROM conversions WHERE txid = 'N-1' AND offer_id = " +
                                   reported.id),
              "703");
    EXPECT_EQ(totals(reported), "1 10000 703 703");
}

TEST_F(postback_status_only, the_networks_template_with_the_amount_left_unfilled_is_a_status_alone)
{
    auto const offer = make_offer();
    EXPECT_EQ(result_of(postback(offer, "txid=M-1&amount=20.00&status=approved")), "created");
    // The offer's own postback URL, as a network sends it when it has no amount for a reversal:
    // {click_id}, {amount} and {currency} left as they are, raw braces on the wire.
    auto target = offer.template_target;
    auto const fill = [&](std::string const& macro, std::string const& value) {
        target.replace(target.find(macro), macro.size(), value);
    };
    fill("{txid}", "M-1");
    fill("{status}", "declined");
    ASSERT_NE(target.find("amount={amount}"), std::string::npos) << target;
    auto const answer = accepted(send(ll->port(), {"GET", target, "", {}}));
    EXPECT_EQ(answer.at("result"), "updated") << answer;
    EXPECT_EQ(booked(offer, "M-1"), "2000/200/rejected");
    EXPECT_EQ(boost::json::serialize(answer.at("unfilled_macros")), R"(["amount","click_id","currency"])");
    EXPECT_EQ(totals(offer), "none counted");
}

TEST_F(postback_status_only, a_status_alone_for_a_txid_not_booked_is_refused_naming_the_field)
{
    auto const offer = make_offer();
    // Nothing to book: the amount is what is missing.
    auto const approval = postback(offer, "txid=U-1&status=approved");
    expect_refused(approval, "amount", "required");
    EXPECT_NE(approval.body.find("txid U-1 is not booked yet"), std::string::npos) << approval.body;
    // Nothing to reverse: the txid is not known.
    auto const reversal = postback(offer, "txid=U-1&status=rejected&amount={amount}");
    expect_refused(reversal, "txid", "unknown_txid");
    EXPECT_NE(reversal.body.find("txid U-1 is not known for this offer"), std::string::npos) << reversal.body;
    EXPECT_EQ(last_audit(offer), "postback.refused status=400 code=unknown_txid field=txid");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM conversions WHERE offer_id = " + offer.id), "0");

    // A booked sale without a status either: nothing is stated, the amount is still required;
    // nor is a commission taken without its amount.
    EXPECT_EQ(result_of(postback(offer, "txid=U-2&amount=10.00")), "created");
    expect_refused(postback(offer, "txid=U-2"), "amount", "required");
    expect_refused(postback(offer, "txid=U-2&amount={amount}&status={status}"), "amount", "required");
    expect_refused(postback(offer, "txid=U-2&status=approved&payout=1.00"), "amount", "required");
    // A status alone in another currency than the sale's is a mistake of the network's, as with an amount.
    expect_refused(postback(offer, "txid=U-2&status=approved&currency=USD"), "currency", "invalid_field");
    EXPECT_EQ(booked(offer, "U-2"), "1000/100/pending");
    EXPECT_EQ(totals(offer), "1 1000 100 0");
}

// A status alone for "123" when the sale is booked as "00123" (a spreadsheet dropped its zeros) or
// "ORD-77" as "ord-77": still refused, nothing booked or changed, but the answer names the booked
// sale, as a new sale's answer does for such a twin. Before, it said only that 123 is unknown.
TEST_F(postback_status_only, a_status_alone_for_a_txid_twin_names_the_booked_sale)
{
    auto const offer = make_offer();
    EXPECT_EQ(result_of(postback(offer, "txid=00123&amount=50.00&status=approved")), "created");
    EXPECT_EQ(result_of(postback(offer, "txid=ord-77&amount=20.00&status=pending")), "created");

    auto const reversal = postback(offer, "txid=123&status=rejected");
    expect_refused(reversal, "txid", "unknown_txid");
    EXPECT_EQ(std::string(reversal.json().at("error").at("message").as_string()),
              "txid 123 is not known for this offer: a rejection without an amount has nothing to reverse (the "
              "booked sale 00123 differs from it only in case or leading zeros: if it is that sale, send its txid "
              "as booked)")
        << reversal.body;
    auto const approval = postback(offer, "txid=ORD-77&status=approved");
    expect_refused(approval, "amount", "required");
    EXPECT_NE(approval.body.find("txid ORD-77 is not booked yet, and a status alone only updates a booked sale (the "
                                 "booked sale ord-77 differs from it only in case or leading zeros"),
              std::string::npos)
        << approval.body;
    // A txid with no twin is refused as before, naming none.
    auto const unknown = postback(offer, "txid=124&status=rejected");
    expect_refused(unknown, "txid", "unknown_txid");
    EXPECT_EQ(unknown.body.find("booked sale"), std::string::npos) << unknown.body;

    EXPECT_EQ(booked(offer, "00123"), "5000/500/approved");
    EXPECT_EQ(booked(offer, "ord-77"), "2000/200/pending");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM conversions WHERE offer_id = " + offer.id), "2");
    EXPECT_EQ(totals(offer), "2 7000 700 500");
}

// A network's status alone that arrives while the sale's first postback is still in its
// transaction waits for that booking (it takes the sale's lock, order_lock.hpp, before it reads
// the sale or its currency) and then applies: answered 400 "not booked yet" it would be lost
// unless the network retried. The first booking is held here as it holds it: the sale's lock
// taken, its row inserted, not committed (in USD, so the currency is read after the wait too).
TEST_F(postback_status_only, a_status_alone_waits_for_the_first_booking_of_its_sale)
{
    auto const offer = make_offer();
    // Declared before the booking held, so that a failure ends that transaction (and the wait on
    // its lock) before the status alone's answer is waited for.
    std::future<http_reply> status_alone;
    pqxx::connection other(ll->db().url());
    pqxx::work first(other);
    first.exec_params("SELECT pg_advisory_xact_lock_shared(1281, hashtext($1::text))", offer.id);
    first.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2, 0))", offer.id, "W-1");
    first.exec_params("INSERT INTO conversions (offer_id, txid, status, amount_minor, commission_minor, currency, "
                      "source, attribution, via, occurred_at) VALUES ($1, 'W-1', 'pending', 10000, 1000, 'USD', "
                      "'direct', 'none', 'postback', now())",
                      offer.id);
    status_alone = std::async(std::launch::async, [&] { return postback(offer, "txid=W-1&status=approved"); });
    // Committed only once the status alone waits on the sale's lock: had it not taken the lock, it
    // would have been answered (400) by now and never wait.
    EXPECT_EQ(ll->db().wait_for_value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND "
                                      "database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                                      "1", std::chrono::seconds(30)),
              "1");
    first.commit();
    auto const reply = status_alone.get();
    EXPECT_EQ(result_of(reply), "updated") << reply.body;
    EXPECT_EQ(booked(offer, "W-1"), "10000/1000/approved");
    EXPECT_EQ(ll->db().query_value("SELECT currency FROM conversions WHERE txid = 'W-1' AND offer_id = " + offer.id),
              "USD");
}

// A network's report lists a reversal as its postback sends it, a status without an amount
// ("C-1,,rejected"): the row moves the booked sale's status and keeps its figures, and a txid not
// booked is the row's error the postback's 400 is. Before, the row was refused ("'' is not an
// amount") and the reversed sale stayed counted while the postback saying the same was taken.
TEST_F(postback_status_only, a_csv_row_with_a_status_and_no_amount_is_a_status_alone)
{
    auto const offer = make_offer();
    EXPECT_EQ(result_of(postback(offer, "txid=C-1&amount=100.00&status=approved")), "created");
    EXPECT_EQ(result_of(postback(offer, "txid=C-2&amount=30.00&status=approved")), "created");
    EXPECT_EQ(result_of(postback(offer, "txid=C-3&amount=10.00")), "created");
    EXPECT_EQ(totals(offer), "3 14000 1400 1300");

    auto const imported = ll->api("POST", "/api/v1/conversions/import?offer_id=" + offer.id,
                                  "txid,amount,status,commission\n"
                                  "C-1,,rejected,\n"
                                  "C-2,,paid,\n"
                                  "U-1,,approved,\n"
                                  "U-2,,rejected,\n"
                                  "C-3,,,\n"
                                  "C-3b,,approved,1.00\n");
    ASSERT_EQ(imported.status, 200) << imported.body;
    auto const report = imported.json().as_object();
    EXPECT_EQ(report.at("updated"), 2) << imported.body;
    EXPECT_EQ(report.at("failed"), 4) << imported.body;
    EXPECT_EQ(report.at("created"), 0) << imported.body;
    auto const& rows = report.at("rows").as_array();
    ASSERT_EQ(rows.size(), 6u) << imported.body;
    auto const row = [&](std::size_t i) {
        auto const& r = rows[i].as_object();
        auto text = std::string(r.at("result").as_string());
        if (r.contains("field"))
            text += " " + std::string(r.at("field").as_string()) + ": " + std::string(r.at("message").as_string());
        return text;
    };
    EXPECT_EQ(row(0), "updated");
    EXPECT_EQ(row(1), "updated");
    // As the postback's 400s: nothing to book, the amount is missing; nothing to reverse, the txid.
    EXPECT_EQ(row(2), "error amount: amount is required (in major units, e.g. 19.99): txid U-1 is not booked yet, "
                      "and a status alone only updates a booked sale");
    EXPECT_EQ(row(3), "error txid: txid U-2 is not known for this offer: a rejection without an amount has nothing "
                      "to reverse");
    // No status either, or a commission without its amount: still refused, naming the amount.
    EXPECT_EQ(row(4).substr(0, 13), "error amount:") << row(4);
    EXPECT_EQ(row(5).substr(0, 13), "error amount:") << row(5);

    EXPECT_EQ(booked(offer, "C-1"), "10000/1000/rejected");
    EXPECT_EQ(booked(offer, "C-2"), "3000/300/paid");
    EXPECT_EQ(booked(offer, "C-3"), "1000/100/pending");
    EXPECT_EQ(ll->db().query_value("SELECT string_agg(currency, ',') FROM conversions WHERE offer_id = " + offer.id),
              "EUR,EUR,EUR");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM conversions WHERE offer_id = " + offer.id), "3");
    EXPECT_EQ(totals(offer), "2 4000 400 300");

    // Said again, it changes nothing, and the summary counts it so.
    auto const again =
        ll->api("POST", "/api/v1/conversions/import?offer_id=" + offer.id, "txid,amount,status\nC-1,,rejected\n");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json().at("unchanged"), 1) << again.body;
    EXPECT_EQ(booked(offer, "C-1"), "10000/1000/rejected");
}

// A status with blanks around it ("reversed ", as a network's template may leave it) is the word
// inside them at every door: the CSV import read it, the postback and the API refused it 400 and
// the sale the network reversed stayed counted (probe 5, P5-7).
TEST_F(postback_status_only, a_status_with_blanks_around_it_is_read_as_the_word)
{
    auto const offer = make_offer();
    EXPECT_EQ(result_of(postback(offer, "txid=ST-1&amount=10.00&status=approved")), "created");
    EXPECT_EQ(result_of(postback(offer, "txid=ST-2&amount=20.00&status=%20approved")), "created");
    EXPECT_EQ(booked(offer, "ST-2"), "2000/200/approved");
    EXPECT_EQ(result_of(postback(offer, "txid=ST-1&amount=10.00&status=reversed%20")), "updated");
    EXPECT_EQ(booked(offer, "ST-1"), "1000/100/rejected");
    EXPECT_EQ(totals(offer), "1 2000 200 200");
    // The API's status likewise; blanks alone are still no status.
    auto const id = ll->db().query_value("SELECT id FROM conversions WHERE txid = 'ST-2' AND offer_id = " + offer.id);
    auto const patched = ll->api("PATCH", "/api/v1/conversions/" + id, R"({"status":" Paid "})");
    EXPECT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(booked(offer, "ST-2"), "2000/200/paid");
    expect_refused(postback(offer, "txid=ST-2&amount=20.00&status=%20%20"), "status", "invalid_field");
    EXPECT_EQ(booked(offer, "ST-2"), "2000/200/paid");
}

// A status the creator set by hand (PATCH) meets a network's status alone as it meets one with an
// amount: the same status leaves it the creator's, another one is the network's (audited when it
// moves the sale back), and the booked figures stay.
TEST_F(postback_status_only, a_status_set_by_hand_is_treated_as_with_an_amount)
{
    auto const offer = make_offer();
    auto const made = accepted(postback(offer, "txid=H-1&amount=80.00&status=pending"));
    auto const id = std::to_string(made.at("conversion").at("id").as_int64());
    auto const by_hand = [&] {
        return ll->db().query_value("SELECT status || ' ' || status_set_by_hand FROM conversions WHERE id = " + id);
    };
    ASSERT_EQ(ll->api("PATCH", "/api/v1/conversions/" + id, R"({"status":"approved"})").status, 200);
    EXPECT_EQ(by_hand(), "approved true");
    EXPECT_EQ(result_of(postback(offer, "txid=H-1&status=approved")), "unchanged");
    EXPECT_EQ(by_hand(), "approved true");

    ASSERT_EQ(ll->api("PATCH", "/api/v1/conversions/" + id, R"({"status":"rejected"})").status, 200);
    EXPECT_EQ(totals(offer), "none counted");
    EXPECT_EQ(result_of(postback(offer, "txid=H-1&status=approved&amount={amount}")), "updated");
    EXPECT_EQ(by_hand(), "approved false");
    EXPECT_EQ(booked(offer, "H-1"), "8000/800/approved");
    EXPECT_EQ(ll->db().query_value("SELECT actor_kind || ' ' || summary FROM audit_log WHERE action = "
                                   "'conversion.status_back' AND summary LIKE 'txid=H-1 %'"),
              "postback txid=H-1 status=rejected->approved");
    EXPECT_EQ(totals(offer), "1 8000 800 800");
}

// A sale an older node booked without its rule is priced by the offer's rule of now when a figure
// comes (booked_rule): a status alone states none and reprices nothing.
TEST_F(postback_status_only, a_status_alone_does_not_reprice_a_sale_booked_without_its_rule)
{
    auto const offer = make_offer();
    ll->db().execute("INSERT INTO conversions (offer_id, txid, status, amount_minor, commission_minor, currency, source, "
                     "attribution, via, occurred_at) VALUES (" + offer.id +
                     ", 'L-1', 'pending', 10000, 1000, 'EUR', 'direct', 'none', 'postback', now())");
    ASSERT_EQ(ll->api("PATCH", "/api/v1/offers/" + offer.id, R"({"commission":{"type":"percent","rate_bps":2500}})").status,
              200);
    EXPECT_EQ(result_of(postback(offer, "txid=L-1&status=approved")), "updated");
    EXPECT_EQ(booked(offer, "L-1"), "10000/1000/approved");
    EXPECT_EQ(totals(offer), "1 10000 1000 1000");
    // Nor does it stamp the offer's rule of now on the sale, whose 10.00 was not worked out on it
    // (a later refund would be priced by it): the rule and base stay unknown.
    EXPECT_EQ(ll->db().query_value("SELECT coalesce(commission_type, 'none') || ' ' || "
                                   "coalesce(commission_rate_bps::text, 'none') || ' ' || "
                                   "coalesce(commission_fixed_minor::text, 'none') || ' ' || "
                                   "coalesce(commission_base, 'none') FROM conversions WHERE offer_id = " +
                                   offer.id + " AND txid = 'L-1'"),
              "none none none none");
}

} // namespace
