// A link moved to another offer, a code given with another link: the clicks made before stay
// with the offer the link sold and the code it went with then (migration 0029), as a link's
// video does (link_video_history_test). A hostile probe found offer 1 left with its sales and
// no clicks (EPC 0) and offer 2 given clicks that never sold it. Clicks are journaled at chosen
// instants and shipped by the real server; the moves are made through the API.
#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"
#include "instance.hpp"
#include "journal_clicks.hpp"
#include "link_moves.hpp"
#include "migrations_before.hpp"

#include <gtest/gtest.h>

#include <map>
#include <pqxx/pqxx>

using namespace linkledger::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

struct row_figures {
    std::int64_t clicks = 0;
    std::int64_t conversions = 0;
};

std::map<std::string, row_figures> rows_by_key(boost::json::object const& report)
{
    std::map<std::string, row_figures> out;
    for (auto const& row : report.at("rows").as_array()) {
        auto const& key = row.at("key");
        auto& figures = out[key.is_null() ? "" : std::string(key.as_string())];
        figures.clicks += row.at("clicks").as_int64();
        figures.conversions += row.at("conversions").as_int64();
    }
    return out;
}

} // namespace

TEST(link_offer_code_history, clicks_stay_with_the_offer_and_the_code_of_their_time)
{
    scratch_database db("link_offer_code_history");
    auto const key = make_api_key(db);
    auto const make_offer = [&](std::string const& name) {
        auto const id = db.query_value(
            "INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret) "
            "VALUES ('" + name + "', 'EUR', 'percent', 1000, sha256('" + name + "'), 'secret') RETURNING id");
        return id;
    };
    auto const first_offer = make_offer("first");
    auto const second_offer = make_offer("second");
    auto const bio = std::stoll(db.query_value(
        "INSERT INTO links (slug, target_url, offer_id) VALUES ('bio', 'https://shop.example/p', " + first_offer + ") RETURNING id"));
    auto const other = std::stoll(db.query_value(
        "INSERT INTO links (slug, target_url, offer_id) VALUES ('other', 'https://shop.example/q', " + second_offer + ") RETURNING id"));

    auto const now = system_clock::now();
    journal_dir const data_dir("link-offer");
    {
        auto journal = data_dir.journal();
        auto const at = [&](auto ago) { return time_point_cast<system_clock::duration>(now - ago); };
        // The bio link: two clicks while it sold the first offer (ten and five days ago), one
        // yesterday and one a minute ago, after it moved to the second (three days ago). The
        // other link: one click six days ago, one yesterday.
        ASSERT_TRUE(journal.append(journal_click("loh1", bio, at(days(10)), "203.0.113.1")));
        ASSERT_TRUE(journal.append(journal_click("loh2", bio, at(days(5)), "203.0.113.2")));
        ASSERT_TRUE(journal.append(journal_click("loh3", bio, at(days(1)), "203.0.113.3")));
        ASSERT_TRUE(journal.append(journal_click("loh4", bio, at(minutes(1)), "203.0.113.4")));
        ASSERT_TRUE(journal.append(journal_click("loh5", other, at(days(6)), "203.0.113.5")));
        ASSERT_TRUE(journal.append(journal_click("loh6", other, at(days(1)), "203.0.113.6")));
    }
    server_process server(db.url(), {}, data_dir.string());
    ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", "6", 30s), "6") << server.process().log();

    // A code given with the bio link, then with the other one (three days ago too).
    auto const code = api(server.port(), "POST", "/api/v1/promo-codes", key,
                          "{\"code\": \"LEA10\", \"offer_id\": " + first_offer + ", \"link_id\": " + std::to_string(bio) + "}");
    ASSERT_EQ(code.status, 201) << code.body;
    auto const code_id = std::to_string(code.json().at("id").as_int64());

    // The moves, as the dashboard makes them; their instant is then set back three days, and the
    // code's creation fifteen, before the bio link's first click (a test cannot wait for days).
    auto const moved = move_link(server.port(), key, bio, "{\"offer_id\": " + second_offer + "}");
    ASSERT_EQ(moved.status, 200) << moved.body;
    auto const code_moved = api(server.port(), "PATCH", "/api/v1/promo-codes/" + code_id, key,
                                "{\"link_id\": " + std::to_string(other) + "}");
    ASSERT_EQ(code_moved.status, 200) << code_moved.body;
    ASSERT_EQ(db.query_value("SELECT count(*) FROM link_offers WHERE link_id = " + std::to_string(bio)), "2");
    ASSERT_EQ(db.query_value("SELECT count(*) FROM code_links WHERE code_id = " + code_id), "2");
    db.execute("UPDATE link_offers SET since = now() - interval '3 days' WHERE since > '-infinity'");
    db.execute("UPDATE code_links SET since = now() - interval '15 days' WHERE code_id = " + code_id +
               " AND link_id = " + std::to_string(bio));
    db.execute("UPDATE code_links SET since = now() - interval '3 days' WHERE code_id = " + code_id +
               " AND link_id = " + std::to_string(other));

    // The first offer's sale through the click that sold it, five days ago.
    auto const sale = api(server.port(), "POST", "/api/v1/conversions", key,
                          "{\"offer_id\": " + first_offer + ", \"amount_minor\": 10000, \"txid\": \"loh-1\", \"click_id\": \"loh2\"}");
    ASSERT_EQ(sale.status, 201) << sale.body;

    auto const date = [&](char const* shift) {
        return db.query_value(std::string("SELECT to_char(now() + interval '") + shift + "', 'YYYY-MM-DD')");
    };
    auto const report = [&](char const* group_by, char const* from, char const* to) {
        auto const reply = api(server.port(), "GET", std::string("/api/v1/reports/revenue?tz=UTC&group_by=") + group_by +
                                                         "&from=" + date(from) + "&to=" + date(to),
                               key);
        EXPECT_EQ(reply.status, 200) << reply.body;
        auto const body = reply.json();
        return std::pair(rows_by_key(body.as_object()), reply.body);
    };

    // Over the move (by quarter-hour): each offer its own clicks, the first its sale too.
    auto [by_offer, by_offer_body] = report("offer", "-15 days", "1 day");
    EXPECT_EQ(by_offer[first_offer].clicks, 2) << by_offer_body;
    EXPECT_EQ(by_offer[first_offer].conversions, 1) << by_offer_body;
    EXPECT_EQ(by_offer[second_offer].clicks, 4) << by_offer_body; // the bio's last two, the other link's two
    // Before the move and after it (whole days): the offer of that time only.
    auto [before, before_body] = report("offer", "-15 days", "-4 days");
    EXPECT_EQ(before[first_offer].clicks, 2) << before_body;
    EXPECT_EQ(before[second_offer].clicks, 1) << before_body; // the other link's
    auto [after, after_body] = report("offer", "-2 days", "1 day");
    EXPECT_EQ(after[first_offer].clicks, 0) << after_body;
    EXPECT_EQ(after[second_offer].clicks, 3) << after_body;

    // The code: the bio link's clicks until it moved, the other link's since.
    auto [by_code, by_code_body] = report("code", "-15 days", "1 day");
    EXPECT_EQ(by_code[code_id].clicks, 3) << by_code_body;
    auto [code_before, code_before_body] = report("code", "-15 days", "-4 days");
    EXPECT_EQ(code_before[code_id].clicks, 2) << code_before_body;
    auto [code_after, code_after_body] = report("code", "-2 days", "1 day");
    EXPECT_EQ(code_after[code_id].clicks, 1) << code_after_body;
}

// A code counts its link's clicks from its creation (migration 0032): one created for a link
// with clicks took them all as its own (0029 recorded its link since '-infinity'), though
// nobody could have heard a code that did not exist. Two clicks before the code, two after it
// (through the real redirect): the code's figure is the later two.
TEST(link_offer_code_history, a_new_code_counts_only_the_clicks_made_after_it_was_created)
{
    scratch_database db("code_from_creation");
    auto const key = make_api_key(db); // also migrates
    auto const offer = db.query_value(
        "INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret) "
        "VALUES ('shop', 'EUR', 'percent', 1000, sha256('shop'), 'secret') RETURNING id");
    auto const bio = std::stoll(db.query_value(
        "INSERT INTO links (slug, target_url, offer_id) VALUES ('bio', 'https://shop.example/p', " + offer + ") RETURNING id"));

    auto const now = system_clock::now();
    journal_dir const data_dir("code-creation");
    {
        // Five days and two days before the code.
        auto journal = data_dir.journal();
        auto const at = [&](auto ago) { return time_point_cast<system_clock::duration>(now - ago); };
        ASSERT_TRUE(journal.append(journal_click("ccr1", bio, at(days(5)), "203.0.113.1")));
        ASSERT_TRUE(journal.append(journal_click("ccr2", bio, at(days(2)), "203.0.113.2")));
    }
    server_process server(db.url(), {}, data_dir.string());
    ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", "2", 30s), "2") << server.process().log();

    auto const code = api(server.port(), "POST", "/api/v1/promo-codes", key,
                          "{\"code\": \"NEW10\", \"offer_id\": " + offer + ", \"link_id\": " + std::to_string(bio) + "}");
    ASSERT_EQ(code.status, 201) << code.body;
    auto const code_id = std::to_string(code.json().at("id").as_int64());
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(send(server.port(), {"GET", "/bio", "", {{"User-Agent", "Mozilla/5.0 (iPhone)"}}}).status, 302);
    ASSERT_EQ(db.wait_for_value("SELECT count(*) FROM clicks", "4", 30s), "4") << server.process().log();
    ASSERT_EQ(db.wait_for_value("SELECT COALESCE(sum(clicks), 0) FROM click_totals_daily", "4", 30s), "4");

    auto const date = [&](char const* shift) {
        return db.query_value(std::string("SELECT to_char(now() + interval '") + shift + "', 'YYYY-MM-DD')");
    };
    auto const clicks_of = [&](char const* group_by, std::string const& key_of_row, char const* from, char const* to) {
        auto const reply = api(server.port(), "GET", std::string("/api/v1/reports/revenue?tz=UTC&group_by=") + group_by +
                                                         "&from=" + date(from) + "&to=" + date(to),
                               key);
        EXPECT_EQ(reply.status, 200) << reply.body;
        return rows_by_key(reply.json().as_object())[key_of_row].clicks;
    };
    EXPECT_EQ(clicks_of("link", std::to_string(bio), "-15 days", "1 day"), 4);
    EXPECT_EQ(clicks_of("code", code_id, "-15 days", "1 day"), 2);

    // Created a day ago (set back: after the click of two days ago), the quarter-hour of the
    // creation is split at it; a period of whole days before it has none of the link's clicks.
    db.execute("UPDATE code_links SET since = now() - interval '1 day' WHERE code_id = " + code_id);
    EXPECT_EQ(clicks_of("code", code_id, "-15 days", "1 day"), 2);
    EXPECT_EQ(clicks_of("code", code_id, "-15 days", "-1 day"), 0);
    EXPECT_EQ(clicks_of("link", std::to_string(bio), "-15 days", "-1 day"), 2);
}

// Migration 0029 on a database with links and codes: what came before is not known, so each
// link's offer and each code's link at the upgrade counts from the beginning, as it did; a move
// after it is recorded from its moment.
TEST(link_offer_code_history_migration, the_offer_and_the_link_at_the_upgrade_count_from_the_beginning)
{
    scratch_database db("link_offer_migration");
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, migrations_before(29));
    db.execute("INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret) "
               "VALUES ('Shop', 'EUR', 'percent', 1000, decode(repeat('00', 32), 'hex'), 's');"
               "INSERT INTO links (slug, target_url, offer_id) SELECT 'bio', 'https://shop.example/p', id FROM offers;"
               "INSERT INTO links (slug, target_url) VALUES ('bare', 'https://shop.example/q');"
               "INSERT INTO promo_codes (code, offer_id, link_id) SELECT 'LEA10', o.id, l.id FROM offers o, links l WHERE l.slug = 'bio';"
               "INSERT INTO promo_codes (code, offer_id) SELECT 'ALONE', id FROM offers");
    linkledger::db::migrate(conn, linkledger::db::embedded_migrations());
    EXPECT_EQ(db.query_value("SELECT string_agg(l.slug || ':' || COALESCE(s.offer_id::text, '-') || ':' || s.since || '-' || s.until, "
                             "',' ORDER BY l.slug) FROM link_offer_spans s JOIN links l ON l.id = s.link_id"),
              "bare:-:-infinity-infinity,bio:1:-infinity-infinity");
    EXPECT_EQ(db.query_value("SELECT string_agg(p.code || ':' || COALESCE(l.slug, '-') || ':' || s.since || '-' || s.until, "
                             "',' ORDER BY p.code) FROM code_link_spans s JOIN promo_codes p ON p.id = s.code_id "
                             "LEFT JOIN links l ON l.id = s.link_id"),
              "ALONE:-:-infinity-infinity,LEA10:bio:-infinity-infinity");
    db.execute("UPDATE links SET offer_id = NULL WHERE slug = 'bio'");
    db.execute("UPDATE promo_codes SET link_id = (SELECT id FROM links WHERE slug = 'bare') WHERE code = 'LEA10'");
    EXPECT_EQ(db.query_value("SELECT string_agg(COALESCE(offer_id::text, '-') || ':' || (since > '-infinity'), ',' ORDER BY since) "
                             "FROM link_offers WHERE link_id = (SELECT id FROM links WHERE slug = 'bio')"),
              "1:false,-:true");
    EXPECT_EQ(db.query_value("SELECT string_agg(l.slug || ':' || (c.since > '-infinity'), ',' ORDER BY c.since) "
                             "FROM code_links c JOIN links l ON l.id = c.link_id "
                             "WHERE c.code_id = (SELECT id FROM promo_codes WHERE code = 'LEA10')"),
              "bio:false,bare:true");
}

// Migration 0037 on a database with codes on and off: whether each was on before is not known,
// so its state at the upgrade counts from the beginning; turning it off or on afterwards is
// recorded from its moment, and a new code's state from the beginning.
TEST(link_offer_code_history_migration, a_codes_state_at_the_upgrade_counts_from_the_beginning)
{
    scratch_database db("code_activity_migration");
    pqxx::connection conn(db.url());
    linkledger::db::migrate(conn, migrations_before(37));
    db.execute("INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret) "
               "VALUES ('Shop', 'EUR', 'percent', 1000, decode(repeat('00', 32), 'hex'), 's');"
               "INSERT INTO promo_codes (code, offer_id) SELECT 'ON10', id FROM offers;"
               "INSERT INTO promo_codes (code, offer_id, active) SELECT 'OFF10', id, false FROM offers");
    linkledger::db::migrate(conn, linkledger::db::embedded_migrations());
    auto const spans = [&] {
        return db.query_value("SELECT string_agg(p.code || ':' || s.active || ':' || (s.since > '-infinity') || '-' || s.until, "
                              "',' ORDER BY p.code, s.since) FROM code_activity_spans s JOIN promo_codes p ON p.id = s.code_id");
    };
    EXPECT_EQ(spans(), "OFF10:false:false-infinity,ON10:true:false-infinity");
    db.execute("UPDATE promo_codes SET active = NOT active");
    db.execute("UPDATE promo_codes SET active = active"); // no change, nothing recorded
    db.execute("INSERT INTO promo_codes (code, offer_id) SELECT 'NEW10', id FROM offers");
    EXPECT_EQ(db.query_value("SELECT string_agg(p.code || ':' || a.active || ':' || (a.since > '-infinity'), ',' "
                             "ORDER BY p.code, a.since) FROM code_activity a JOIN promo_codes p ON p.id = a.code_id"),
              "NEW10:true:false,OFF10:false:false,OFF10:true:true,ON10:true:false,ON10:false:true");
}
