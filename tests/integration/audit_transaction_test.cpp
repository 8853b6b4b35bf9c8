// Issue 15, "audit in the same transaction": every change made through the API writes its audit
// entry in the change's own transaction. Shown two ways, from outside: PostgreSQL's own record
// of which transaction wrote a row (xmin) is the same for the change and its entry; and a server
// killed while its entry waits keeps neither the change nor the entry.
#include "instance.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <csignal>
#include <future>
#include <thread>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

std::string id_text(http_reply const& reply)
{
    return std::to_string(reply.json().at("id").as_int64());
}

class audit_transaction : public shared_instance_test<audit_transaction> {
public:
    static constexpr char const* k_label = "audit_tx";

protected:
    static void SetUpTestSuite()
    {
        shared_instance_test::SetUpTestSuite();
        if (ll == nullptr)
            return;
        // Hard deletes leave no row to read xmin from, and rows written in a savepoint or written
        // again later show another xmin: these triggers note which (top-level) transaction wrote
        // what. Instrumentation of the test database, not of the server.
        ll->db().execute(R"sql(
            CREATE TABLE test_writes (tbl text, op text, xid text);
            CREATE FUNCTION test_note_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO test_writes VALUES (TG_TABLE_NAME, TG_OP, pg_current_xact_id()::xid::text);
                RETURN NULL;
            END $$;
            CREATE TRIGGER test_income_written AFTER INSERT OR UPDATE OR DELETE ON income
                FOR EACH ROW EXECUTE FUNCTION test_note_write();
            CREATE TRIGGER test_users_written AFTER INSERT OR UPDATE OR DELETE ON users
                FOR EACH ROW EXECUTE FUNCTION test_note_write();
            CREATE TRIGGER test_endpoints_written AFTER INSERT OR UPDATE OR DELETE ON webhook_endpoints
                FOR EACH ROW EXECUTE FUNCTION test_note_write();
            CREATE TRIGGER test_deliveries_written AFTER INSERT OR UPDATE OR DELETE ON webhook_deliveries
                FOR EACH ROW EXECUTE FUNCTION test_note_write();
            CREATE TRIGGER test_conversions_written AFTER INSERT OR UPDATE OR DELETE ON conversions
                FOR EACH ROW EXECUTE FUNCTION test_note_write();
        )sql");
    }

    // The request must succeed; then its newest audit entry (by action) must have been written by
    // the transaction that last wrote `row_sql`'s row (a query for its xmin).
    static void expect_same_transaction(http_reply const& reply, std::string const& action, std::string const& row_sql)
    {
        ASSERT_LT(reply.status, 300) << action << ": " << reply.body;
        auto const entry = ll->db().query_value("SELECT xmin::text FROM audit_log WHERE action = '" + action +
                                                "' ORDER BY id DESC LIMIT 1");
        ASSERT_FALSE(entry.empty()) << "no audit entry " << action;
        auto const row = ll->db().query_value(row_sql);
        ASSERT_FALSE(row.empty()) << action << ": no row for " << row_sql;
        EXPECT_EQ(entry, row) << action << ": the change and its audit entry were written by two transactions";
    }

    static std::string xmin_of(std::string const& table, std::string const& id)
    {
        return "SELECT xmin::text FROM " + table + " WHERE id = " + id;
    }

    // The request must succeed, and the transaction that wrote its newest audit entry (by
    // action) must also have written to `table` (`op`: INSERT, UPDATE or DELETE).
    static void expect_written_with_entry(http_reply const& reply, std::string const& action, std::string const& table,
                                          std::string const& op)
    {
        ASSERT_LT(reply.status, 300) << action << ": " << reply.body;
        EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM test_writes WHERE tbl = '" + table + "' AND op = '" + op +
                                       "' AND xid = (SELECT xmin::text FROM audit_log WHERE action = '" + action +
                                       "' ORDER BY id DESC LIMIT 1)"),
                  "1")
            << action << ": the transaction of the audit entry did not " << op << " " << table;
    }
};

TEST_F(audit_transaction, every_change_through_the_api_is_audited_in_its_own_transaction)
{
    auto const link = ll->api("POST", "/api/v1/links", R"({"target_url":"https://shop.example/a","slug":"audit-tx"})");
    auto const link_id = id_text(link);
    expect_same_transaction(link, "link.create", xmin_of("links", link_id));
    expect_same_transaction(ll->api("PATCH", "/api/v1/links/" + link_id, R"({"title":"Winter"})"), "link.update",
                            xmin_of("links", link_id));
    expect_same_transaction(ll->api("POST", "/api/v1/links/" + link_id + "/storefronts",
                                    R"({"product_id":"B08N5WRWNW","storefronts":[{"country":"FR","tag":"lea-21"}]})"),
                            "link.storefronts", xmin_of("links", link_id));

    auto const offer = ll->api("POST", "/api/v1/offers", R"({"name":"Shop","currency":"EUR","commission":{"type":"reported"}})");
    auto const offer_id = id_text(offer);
    expect_same_transaction(offer, "offer.create", xmin_of("offers", offer_id));
    expect_same_transaction(ll->api("PATCH", "/api/v1/offers/" + offer_id, R"({"name":"Shop 2"})"), "offer.update",
                            xmin_of("offers", offer_id));
    expect_same_transaction(ll->api("POST", "/api/v1/offers/" + offer_id + "/postback-token"),
                            "offer.rotate_postback_token", xmin_of("offers", offer_id));
    expect_same_transaction(ll->api("POST", "/api/v1/offers/" + offer_id + "/webhook-secret"),
                            "offer.rotate_webhook_secret", xmin_of("offers", offer_id));
    expect_same_transaction(ll->api("POST", "/api/v1/offers/" + offer_id + "/secrets"), "offer.rotate_secrets",
                            xmin_of("offers", offer_id));

    auto const video = ll->api("POST", "/api/v1/videos", R"({"title":"Haul","posted_at":"2026-11-10T08:00:00Z"})");
    auto const video_id = id_text(video);
    expect_same_transaction(video, "video.create", xmin_of("videos", video_id));
    expect_same_transaction(ll->api("PATCH", "/api/v1/videos/" + video_id, R"({"title":"Winter haul"})"),
                            "video.update", xmin_of("videos", video_id));

    auto const code = ll->api("POST", "/api/v1/promo-codes", R"({"code":"AUDIT10","offer_id":)" + offer_id + "}");
    auto const code_id = id_text(code);
    expect_same_transaction(code, "promo_code.create", xmin_of("promo_codes", code_id));
    expect_same_transaction(ll->api("PATCH", "/api/v1/promo-codes/" + code_id, R"({"video_id":)" + video_id + "}"),
                            "promo_code.update", xmin_of("promo_codes", code_id));

    auto const sale = ll->api("POST", "/api/v1/conversions",
                              R"({"offer_id":)" + offer_id + R"(,"txid":"AUDIT-1","amount_minor":1000,"currency":"EUR"})");
    auto const sale_id = id_text(sale);
    expect_same_transaction(sale, "conversion.create", xmin_of("conversions", sale_id));
    expect_same_transaction(ll->api("PATCH", "/api/v1/conversions/" + sale_id, R"({"status":"approved"})"),
                            "conversion.update", xmin_of("conversions", sale_id));
    // Each row of an import is booked in its own savepoint, inside the import's transaction.
    expect_written_with_entry(ll->api("POST", "/api/v1/conversions/import?offer_id=" + offer_id,
                                      "txid,amount,currency,commission\nAUDIT-CSV,12.50,EUR,1.25\n"),
                              "conversion.import", "conversions", "INSERT");

    auto const income = ll->api("POST", "/api/v1/income",
                                R"({"stream":"creator_rewards","amount_minor":1234,"currency":"EUR","date":"2026-11-01"})");
    auto const income_id = id_text(income);
    expect_same_transaction(income, "income.create", xmin_of("income", income_id));
    expect_written_with_entry(ll->api("DELETE", "/api/v1/income/" + income_id), "income.delete", "income", "DELETE");

    expect_same_transaction(ll->api("PUT", "/api/v1/profile", R"({"handle":"lea","display_name":"Léa","language":"fr"})"),
                            "profile.update", "SELECT xmin::text FROM profile");
    // Taking the page down keeps the profile row and unpublishes it.
    expect_same_transaction(ll->api("DELETE", "/api/v1/profile"), "profile.delete",
                            "SELECT xmin::text FROM profile WHERE NOT published");

    auto const user = ll->api("POST", "/api/v1/users", R"({"email":"audit@example.com","role":"viewer"})");
    auto const user_id = id_text(user);
    expect_same_transaction(user, "user.add", xmin_of("users", user_id));
    expect_written_with_entry(ll->api("DELETE", "/api/v1/users/" + user_id), "user.remove", "users", "DELETE");

    auto const key = ll->api("POST", "/api/v1/api-keys", R"({"name":"zapier"})");
    auto const key_id = id_text(key);
    expect_same_transaction(key, "api_key.create", xmin_of("api_keys", key_id));
    expect_same_transaction(ll->api("DELETE", "/api/v1/api-keys/" + key_id), "api_key.revoke", xmin_of("api_keys", key_id));

    auto const hook = ll->api("POST", "/api/v1/webhooks",
                              R"({"url":"https://hooks.example.com/in","events":["sale.created"]})");
    auto const hook_id = id_text(hook);
    expect_same_transaction(hook, "webhook.create", xmin_of("webhook_endpoints", hook_id));
    expect_same_transaction(ll->api("PATCH", "/api/v1/webhooks/" + hook_id, R"({"description":"phone"})"),
                            "webhook.update", xmin_of("webhook_endpoints", hook_id));
    expect_same_transaction(ll->api("POST", "/api/v1/webhooks/" + hook_id + "/secret"), "webhook.secret",
                            xmin_of("webhook_endpoints", hook_id));
    // The sender writes a delivery again once it is tried: what counts is who wrote it first.
    expect_written_with_entry(ll->api("POST", "/api/v1/webhooks/" + hook_id + "/test"), "webhook.test",
                              "webhook_deliveries", "INSERT");
    auto const delivery = ll->db().query_value("SELECT id FROM webhook_deliveries WHERE endpoint_id = " + hook_id +
                                               " ORDER BY id DESC LIMIT 1");
    auto const resent = ll->api("POST", "/api/v1/webhooks/" + hook_id + "/deliveries/" + delivery + "/resend");
    auto const resend_op = ll->db().query_value(
        "SELECT op FROM test_writes WHERE tbl = 'webhook_deliveries' AND xid = (SELECT xmin::text FROM audit_log "
        "WHERE action = 'webhook.resend' ORDER BY id DESC LIMIT 1) LIMIT 1");
    EXPECT_TRUE(resend_op == "INSERT" || resend_op == "UPDATE") << "webhook.resend wrote no delivery in its transaction";
    ASSERT_LT(resent.status, 300) << resent.body;
    expect_written_with_entry(ll->api("DELETE", "/api/v1/webhooks/" + hook_id), "webhook.delete", "webhook_endpoints",
                              "DELETE");

    // Deleted last: a deleted link cannot be changed again.
    expect_same_transaction(ll->api("DELETE", "/api/v1/links/" + link_id), "link.delete", xmin_of("links", link_id));
}

TEST_F(audit_transaction, a_change_that_fails_leaves_no_entry)
{
    auto const before = ll->db().query_value("SELECT count(*) FROM audit_log");
    EXPECT_EQ(ll->api("PATCH", "/api/v1/links/999999", R"({"title":"x"})").status, 404);
    EXPECT_EQ(ll->api("DELETE", "/api/v1/income/999999").status, 404);
    EXPECT_EQ(ll->api("POST", "/api/v1/links", R"({"target_url":"https://shop.example/a","offer_id":999999})").status, 400);
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM audit_log"), before);
}

// The guarantee itself: the server dies after making a change and before its entry is
// written (the entry's insert is held on a lock the test takes). Written in two transactions,
// the change would survive without its entry; written in one, neither is kept.
TEST(audit_transaction_crash, a_server_killed_before_the_entry_keeps_neither_the_change_nor_the_entry)
{
    instance ll("audit_crash", {{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"}});
    auto const link = ll.create_link(R"({"target_url":"https://shop.example/a","slug":"crash","title":"Before"})");
    auto const id = std::to_string(link.at("id").as_int64());

    pqxx::connection locker(ll.db().url());
    pqxx::work lock(locker);
    lock.exec0("LOCK TABLE audit_log IN EXCLUSIVE MODE");
    auto patched = std::async(std::launch::async, [&] {
        try {
            return ll.api("PATCH", "/api/v1/links/" + id, R"({"title":"After"})").status;
        } catch (std::exception const&) {
            return -1; // the connection died with the server
        }
    });
    // The server's transaction has updated the link and now waits for the audit log.
    EXPECT_EQ(ll.db().wait_for_value("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                                     "WHERE c.relname = 'audit_log' AND NOT l.granted",
                                     "1"),
              "1");
    EXPECT_EQ(ll.db().query_value("SELECT title FROM links WHERE id = " + id), "Before")
        << "the change is visible before its audit entry is written";

    ll.server().process().send_signal(SIGKILL);
    ll.server().process().wait();
    EXPECT_NE(patched.get(), 200);
    lock.abort();
    // PostgreSQL rolls the dead client's transaction back once it notices the closed socket.
    EXPECT_EQ(ll.db().wait_for_value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND pid <> pg_backend_pid() AND state <> 'idle'",
                                     "0"),
              "0");
    EXPECT_EQ(ll.db().query_value("SELECT title FROM links WHERE id = " + id), "Before");
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM audit_log WHERE action = 'link.update'"), "0");
}

} // namespace
