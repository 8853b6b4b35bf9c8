// The Idempotency-Key header over real HTTP on the real database: a POST that books money,
// retried with its key after a timeout, is answered again and books nothing twice
// (money/idempotency_store).
#include "instance.hpp"
#include "money/idempotency_store.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <csignal>
#include <future>
#include <latch>
#include <string>
#include <thread>
#include <vector>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

class idempotency_key : public shared_instance_test<idempotency_key> {
public:
    static constexpr char const* k_label = "idempotency";

protected:
    static std::int64_t make_offer()
    {
        auto const reply = ll->api("POST", "/api/v1/offers",
                                   R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.json().as_object().at("id").as_int64();
    }

    // A sale typed by hand, without a txid: nothing but the key tells a retry from a second sale.
    static std::string sale(std::int64_t offer_id, int amount_minor = 1999)
    {
        return R"({"offer_id":)" + std::to_string(offer_id) + R"(,"amount_minor":)" + std::to_string(amount_minor) +
               R"(,"currency":"EUR","status":"approved"})";
    }

    static http_reply post(std::string const& target, std::string const& body, std::string const& key,
                           std::string const& api_key = "")
    {
        http_request req{"POST", target, body, {{"Authorization", "Bearer " + (api_key.empty() ? ll->key() : api_key)}}};
        if (!key.empty())
            req.headers["Idempotency-Key"] = key;
        return send(ll->port(), req);
    }

    static std::string sales_of(std::int64_t offer_id)
    {
        return ll->db().query_value("SELECT count(*) FROM conversions WHERE offer_id = " + std::to_string(offer_id));
    }

    static void expect_key_error(http_reply const& reply, int status)
    {
        EXPECT_EQ(reply.status, status) << reply.body;
        EXPECT_EQ(reply.json().at("error").at("field").as_string(), "Idempotency-Key") << reply.body;
    }
};

TEST_F(idempotency_key, a_retried_sale_is_booked_once_and_answered_with_the_first_answer)
{
    auto const offer = make_offer();
    auto const first = post("/api/v1/conversions", sale(offer), "retry-sale-1");
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.header("Idempotent-Replayed"), "");
    auto const retry = post("/api/v1/conversions", sale(offer), "retry-sale-1");
    EXPECT_EQ(retry.status, 201) << retry.body;
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(retry.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(sales_of(offer), "1");
    // A replay changed nothing, so the audit log has the one sale.
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM audit_log WHERE action = 'conversion.create' AND target_id = " +
                                   std::to_string(first.json().at("id").as_int64())),
              "1");
}

TEST_F(idempotency_key, a_retried_income_entry_and_csv_import_are_booked_once)
{
    std::string const income = R"({"stream":"brand_deals","amount_minor":50000,"currency":"EUR","date":"2026-11-20",)"
                               R"("note":"idempotency retry"})";
    auto const first = post("/api/v1/income", income, "retry-income-1");
    ASSERT_EQ(first.status, 201) << first.body;
    auto const retry = post("/api/v1/income", income, "retry-income-1");
    EXPECT_EQ(retry.status, 201);
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(retry.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM income WHERE note = 'idempotency retry'"), "1");

    // An import's answer says what the first attempt did (created 1), not what a repeat would
    // (unchanged 1).
    auto const offer = make_offer();
    auto const target = "/api/v1/conversions/import?offer_id=" + std::to_string(offer);
    std::string const csv = "txid,amount,currency,status,date\r\nIDEM-CSV-1,12.50,EUR,approved,2026-11-20\r\n";
    auto const imported = post(target, csv, "retry-import-1");
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(imported.json().at("created").as_int64(), 1);
    auto const again = post(target, csv, "retry-import-1");
    EXPECT_EQ(again.body, imported.body);
    EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(sales_of(offer), "1");
}

TEST_F(idempotency_key, the_same_key_with_another_request_is_a_422_naming_the_header)
{
    auto const offer = make_offer();
    ASSERT_EQ(post("/api/v1/conversions", sale(offer, 1000), "reused-1").status, 201);
    expect_key_error(post("/api/v1/conversions", sale(offer, 2000), "reused-1"), 422);
    // Another route with the key is another request too.
    expect_key_error(post("/api/v1/income", R"({"stream":"other","amount_minor":1,"currency":"EUR","date":"2026-11-20"})",
                          "reused-1"),
                     422);
    EXPECT_EQ(sales_of(offer), "1");
    EXPECT_EQ(ll->db().query_value("SELECT amount_minor FROM conversions WHERE offer_id = " + std::to_string(offer)),
              "1000");
}

TEST_F(idempotency_key, a_refused_request_keeps_no_key_so_the_fixed_one_is_booked)
{
    auto const offer = make_offer();
    // Refused as it is read, and refused in the booking's transaction (a percent offer computes
    // its own commission).
    auto const unread = post("/api/v1/conversions", R"({"offer_id":)" + std::to_string(offer) + "}", "fixed-1");
    EXPECT_EQ(unread.status, 400) << unread.body;
    auto const refused = post("/api/v1/conversions",
                              R"({"offer_id":)" + std::to_string(offer) +
                                  R"(,"amount_minor":1999,"currency":"EUR","commission_minor":200})",
                              "fixed-1");
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.json().at("error").at("field").as_string(), "commission_minor") << refused.body;
    auto const fixed = post("/api/v1/conversions", sale(offer), "fixed-1");
    EXPECT_EQ(fixed.status, 201) << fixed.body;
    EXPECT_EQ(fixed.header("Idempotent-Replayed"), "");
    EXPECT_EQ(sales_of(offer), "1");
}

TEST_F(idempotency_key, two_callers_with_the_same_key_book_two_sales)
{
    auto const offer = make_offer();
    auto const other_caller = make_api_key(ll->db());
    auto const mine = post("/api/v1/conversions", sale(offer), "shared-key-1");
    auto const theirs = post("/api/v1/conversions", sale(offer), "shared-key-1", other_caller);
    EXPECT_EQ(mine.status, 201) << mine.body;
    EXPECT_EQ(theirs.status, 201) << theirs.body;
    EXPECT_EQ(theirs.header("Idempotent-Replayed"), "");
    EXPECT_NE(mine.json().at("id"), theirs.json().at("id"));
    EXPECT_EQ(sales_of(offer), "2");
}

TEST_F(idempotency_key, without_a_key_every_post_books_as_before)
{
    auto const offer = make_offer();
    auto const keys_before = ll->db().query_value("SELECT count(*) FROM idempotency_keys");
    auto const one = post("/api/v1/conversions", sale(offer), "");
    auto const two = post("/api/v1/conversions", sale(offer), "");
    EXPECT_EQ(one.status, 201) << one.body;
    EXPECT_EQ(two.status, 201) << two.body;
    EXPECT_EQ(two.header("Idempotent-Replayed"), "");
    EXPECT_NE(one.json().at("id"), two.json().at("id"));
    EXPECT_EQ(sales_of(offer), "2");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM idempotency_keys"), keys_before);
}

TEST_F(idempotency_key, a_malformed_key_is_a_400_naming_the_header_and_books_nothing)
{
    auto const offer = make_offer();
    for (auto const& bad : {std::string(256, 'k'), std::string("caf\xc3\xa9"), std::string("\"\""),
                            std::string("\"a\\\"b\"")})
        expect_key_error(post("/api/v1/conversions", sale(offer), bad), 400);
    EXPECT_EQ(sales_of(offer), "0");
    // 255 characters, spaces and punctuation are a key; so is the draft's quoted form, the same
    // key as its text.
    auto const longest = std::string(254, 'k') + "~";
    EXPECT_EQ(post("/api/v1/conversions", sale(offer), longest).status, 201);
    EXPECT_EQ(post("/api/v1/conversions", sale(offer), "order 42 / try #1").status, 201);
    auto const plain = post("/api/v1/conversions", sale(offer), "8e03978e-40d5-43e8-bc93-6894a57f9324");
    auto const quoted = post("/api/v1/conversions", sale(offer), "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
    EXPECT_EQ(plain.status, 201);
    EXPECT_EQ(quoted.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(quoted.body, plain.body);
    EXPECT_EQ(sales_of(offer), "3");
}

TEST_F(idempotency_key, the_same_key_sent_twice_at_once_books_one_sale)
{
    auto const offer = make_offer();
    // Several rounds, so that some of them overlap for real on two connections.
    constexpr int k_rounds = 8;
    for (int round = 0; round < k_rounds; ++round) {
        auto const key = "at-once-" + std::to_string(round);
        std::vector<http_reply> replies(2);
        std::latch start(2);
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < replies.size(); ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                replies[i] = post("/api/v1/conversions", sale(offer), key);
            });
        for (auto& t : threads)
            t.join();
        // One booked it; the other got its answer again, or was told to retry (409).
        int booked = 0;
        for (auto const& r : replies) {
            if (r.status == 201 && r.header("Idempotent-Replayed").empty())
                ++booked;
            else if (r.status == 201)
                EXPECT_EQ(r.header("Idempotent-Replayed"), "true");
            else
                expect_key_error(r, 409);
        }
        EXPECT_EQ(booked, 1) << replies[0].body << " / " << replies[1].body;
        auto const retry = post("/api/v1/conversions", sale(offer), key);
        EXPECT_EQ(retry.status, 201);
        EXPECT_EQ(retry.header("Idempotent-Replayed"), "true");
    }
    EXPECT_EQ(sales_of(offer), std::to_string(k_rounds));
}

TEST_F(idempotency_key, a_key_older_than_24_hours_is_not_replayed_and_is_taken_over)
{
    auto const offer = make_offer();
    ASSERT_EQ(post("/api/v1/conversions", sale(offer), "old-key-1").status, 201);
    ll->db().execute("UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 minute' "
                     "WHERE key_sha256 = sha256('old-key-1')");
    // The same key a day later is a new operation: booked, even with another body. (The row may
    // be taken over, or first forgotten by the background sweep: the same either way.)
    auto const later = post("/api/v1/conversions", sale(offer, 500), "old-key-1");
    EXPECT_EQ(later.status, 201) << later.body;
    EXPECT_EQ(later.header("Idempotent-Replayed"), "");
    EXPECT_EQ(sales_of(offer), "2");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM idempotency_keys WHERE key_sha256 = sha256('old-key-1') "
                                   "AND created_at > now() - interval '1 hour'"),
              "1");
    auto const replay = post("/api/v1/conversions", sale(offer, 500), "old-key-1");
    EXPECT_EQ(replay.body, later.body);
    EXPECT_EQ(replay.header("Idempotent-Replayed"), "true");
}

// An import of thousands of rows answers megabytes: the request that books it gets them all,
// the key keeps a summary, and a retry books nothing and answers the first attempt's counts.
TEST_F(idempotency_key, an_answer_over_a_mebibyte_is_given_whole_and_its_replay_books_nothing_and_gives_the_counts)
{
    auto const offer = make_offer();
    auto const target = "/api/v1/conversions/import?offer_id=" + std::to_string(offer);
    std::string const long_txid = "IDEM-BIG-" + std::string(180, 'x');
    std::string csv = "txid,amount,currency,status,date\r\n";
    for (int i = 1; i <= 3; ++i)
        csv += "IDEM-BIG-" + std::to_string(i) + ",12.50,EUR,approved,2026-11-20\r\n";
    // Each repeat of a txid is a failed row whose answer names the txid: some 300 bytes a row.
    constexpr int k_repeats = 4000;
    for (int i = 0; i <= k_repeats; ++i)
        csv += long_txid + ",1.00,EUR,approved,2026-11-20\r\n";
    auto const first = post(target, csv, "big-import-1");
    ASSERT_EQ(first.status, 200) << first.body.substr(0, 500);
    ASSERT_GT(first.body.size(), std::size_t{1024 * 1024}) << "the answer is not over the limit: the test needs more rows";
    auto const whole = first.json().as_object();
    EXPECT_EQ(whole.at("rows").as_array().size(), std::size_t{3 + 1 + k_repeats});
    EXPECT_EQ(whole.at("created").as_int64(), 4);
    EXPECT_EQ(whole.at("failed").as_int64(), k_repeats);
    EXPECT_EQ(sales_of(offer), "4");
    // What the key keeps is small.
    EXPECT_LT(std::stoll(ll->db().query_value(
                  "SELECT octet_length(body) FROM idempotency_keys WHERE key_sha256 = sha256('big-import-1')")),
              100 * 1024);

    auto const again = post(target, csv, "big-import-1");
    EXPECT_EQ(again.status, 200) << again.body.substr(0, 500);
    EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(sales_of(offer), "4") << "the replay booked again";
    auto const summary = again.json().as_object();
    for (auto const* name : {"offer_id", "created", "updated", "unchanged", "failed", "warnings", "unknown_columns"})
        EXPECT_EQ(summary.at(name), whole.at(name)) << name;
    EXPECT_FALSE(summary.contains("rows"));
    auto const& not_kept = summary.at("not_kept").as_object();
    EXPECT_EQ(not_kept.at("members"), boost::json::array{"rows"});
    EXPECT_EQ(not_kept.at("answer_bytes").to_number<std::size_t>(), first.body.size());
    // The same key with another file is still another request.
    expect_key_error(post(target, csv + "IDEM-BIG-9,1.00,EUR,approved,2026-11-20\r\n", "big-import-1"), 422);
    EXPECT_EQ(sales_of(offer), "4");
}

// The key's row and its booking commit together: the server dies after booking the sale and
// before the key's row is written (held on a lock the test takes). Kept apart, the sale would
// survive without its key, and the client's retry would book it again; together, neither is
// kept and the retry books it once.
TEST(idempotency_key_crash, a_server_killed_before_the_key_is_written_keeps_neither_the_sale_nor_the_key)
{
    instance ll("idempotency_crash");
    auto const offer = ll.api("POST", "/api/v1/offers",
                              R"({"name":"Shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const offer_id = std::to_string(offer.json().at("id").as_int64());

    pqxx::connection locker(ll.db().url());
    pqxx::work lock(locker);
    lock.exec0("LOCK TABLE idempotency_keys IN EXCLUSIVE MODE");
    auto posted = std::async(std::launch::async, [&] {
        try {
            http_request req{"POST", "/api/v1/conversions",
                             R"({"offer_id":)" + offer_id + R"(,"amount_minor":1999,"currency":"EUR"})",
                             {{"Authorization", "Bearer " + ll.key()}, {"Idempotency-Key", "crash-1"}}};
            return send(ll.port(), req).status;
        } catch (std::exception const&) {
            return -1; // the connection died with the server
        }
    });
    // The server's transaction has booked the sale and now waits to write the key.
    EXPECT_EQ(ll.db().wait_for_value("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                                     "WHERE c.relname = 'idempotency_keys' AND NOT l.granted",
                                     "1"),
              "1");
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM conversions WHERE offer_id = " + offer_id), "0")
        << "the sale is visible before its key is written";

    ll.server().process().send_signal(SIGKILL);
    ll.server().process().wait();
    EXPECT_NE(posted.get(), 201);
    lock.abort();
    // PostgreSQL rolls the dead client's transaction back once it notices the closed socket.
    EXPECT_EQ(ll.db().wait_for_value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND pid <> pg_backend_pid() AND state <> 'idle'",
                                     "0"),
              "0");
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM conversions WHERE offer_id = " + offer_id), "0");
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM idempotency_keys"), "0");
}

// A key's row as a booking writes it, `age` old (an SQL interval).
void insert_key(scratch_database const& db, std::string const& key, std::string const& age)
{
    db.execute("INSERT INTO idempotency_keys (caller_kind, caller_id, key_sha256, fingerprint, status, body, created_at) "
               "VALUES ('api_key', 1, sha256('" + key + "'), sha256('a request'), 201, '{}', now() - interval '" + age +
               "')");
}

constexpr char const* k_expired = "SELECT count(*) FROM idempotency_keys WHERE created_at <= now() - interval '24 hours'";
constexpr char const* k_fresh_kept = "SELECT count(*) FROM idempotency_keys WHERE key_sha256 = sha256('fresh')";

// One round of the background sweep, called by hand: a batch of expired keys at most, never a
// fresh one, and nothing once none is left.
TEST(idempotency_key_expiry, a_round_forgets_at_most_its_batch_of_expired_keys_and_never_a_fresh_one)
{
    scratch_database db("idempotency_expiry");
    ASSERT_EQ(run_linkledger({"migrate"}, {{"LINKLEDGER_DATABASE_URL", db.url()}}).exit_code, 0);
    for (int i = 0; i < 5; ++i)
        insert_key(db, "expired-" + std::to_string(i), "24 hours 1 second");
    insert_key(db, "fresh", "23 hours 59 minutes");
    pqxx::connection conn(db.url());
    EXPECT_EQ(linkledger::money::forget_expired_keys(conn, 2), 2);
    EXPECT_EQ(db.query_value(k_expired), "3");
    EXPECT_EQ(linkledger::money::forget_expired_keys(conn, 2), 2);
    EXPECT_EQ(linkledger::money::forget_expired_keys(conn, 2), 1);
    EXPECT_EQ(linkledger::money::forget_expired_keys(conn, 2), 0);
    EXPECT_EQ(db.query_value(k_expired), "0");
    EXPECT_EQ(db.query_value(k_fresh_kept), "1");
    EXPECT_EQ(db.query_value("SELECT count(*) FROM idempotency_keys"), "1");
}

// The server runs those rounds by itself, with no keyed POST to set them off.
TEST(idempotency_key_expiry, the_server_forgets_expired_keys_in_the_background_and_keeps_fresh_ones)
{
    // A short late-click deadline makes the sweeper's thread tick every second
    // (late_click_sweep_interval); at the default it ticks every minute.
    instance ll("idempotency_expiry_server", {{"LINKLEDGER_LATE_CLICK_SECONDS", "4"}});
    insert_key(ll.db(), "expired-a", "24 hours 1 second");
    insert_key(ll.db(), "expired-b", "3 days");
    insert_key(ll.db(), "fresh", "23 hours");
    // A deadline for a loaded machine; the wait ends as soon as they are gone.
    EXPECT_EQ(ll.db().wait_for_value(k_expired, "0", 120s), "0");
    EXPECT_EQ(ll.db().query_value(k_fresh_kept), "1");
}

} // namespace
