// GET /metrics over real HTTP: the Prometheus names an operator relies on are there, the
// counters move with traffic, and the optional token is enforced.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

using namespace linkledger::testing;
using namespace std::chrono_literals;

namespace {

// The value of the sample whose line starts with `series` (name and labels), or -1.
double sample(std::string const& text, std::string const& series)
{
    auto const at = text.find("\n" + series + " ");
    if (at == std::string::npos)
        return -1;
    auto const start = at + 1 + series.size() + 1;
    return std::stod(text.substr(start, text.find('\n', start) - start));
}

std::string scrape(unsigned short port, std::map<std::string, std::string> headers = {})
{
    auto const reply = send(port, {"GET", "/metrics", "", std::move(headers)});
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return "\n" + reply.body;
}

class metrics : public shared_instance_test<metrics> {
public:
    static constexpr char const* k_label = "metrics";
};

TEST_F(metrics, names_follow_prometheus_conventions)
{
    auto const text = scrape(ll->port());
    for (auto const* family :
         {"linkledger_http_requests_total counter", "linkledger_http_request_duration_seconds histogram",
          "linkledger_redirects_total counter", "linkledger_clicks_journaled_total counter",
          "linkledger_clicks_shipped_total counter", "linkledger_clicks_bots_total counter",
          "linkledger_journal_backlog_clicks gauge", "linkledger_click_writer_lag_seconds gauge",
          "linkledger_db_pool_connections gauge", "linkledger_db_pool_connections_in_use gauge",
          "linkledger_conversions gauge", "linkledger_metrics_database_up gauge"})
        EXPECT_NE(text.find(std::string("\n# TYPE ") + family + "\n"), std::string::npos) << family << "\n" << text;
    EXPECT_EQ(sample(text, "linkledger_metrics_database_up"), 1);
    EXPECT_EQ(sample(text, "linkledger_db_pool_connections"), 4);
    // Every sample line is NAME{labels} VALUE with a name we own.
    std::regex const line(R"((# (HELP|TYPE) .*)|(linkledger_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [-+0-9.eInf]+))");
    std::size_t start = 1;
    while (start < text.size()) {
        auto const end = text.find('\n', start);
        auto const l = text.substr(start, end - start);
        EXPECT_TRUE(std::regex_match(l, line)) << l;
        start = end + 1;
    }
}

TEST_F(metrics, counters_move_with_redirects_and_requests)
{
    ll->create_link(R"({"target_url":"https://shop.example/p?c={click_id}","slug":"m-one"})");
    auto const before = scrape(ll->port());
    auto const route_302 = R"(linkledger_http_requests_total{method="GET",route="/{slug}",status="302"})";
    auto const redirects_before = std::max(0.0, sample(before, route_302));
    auto const clicks_before = sample(before, R"(linkledger_redirects_total{kind="click"})");
    auto const bots_before = sample(before, "linkledger_clicks_bots_total");
    auto const journaled_before = sample(before, "linkledger_clicks_journaled_total");

    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(send(ll->port(), {"GET", "/m-one", "", {{"User-Agent", "Mozilla/5.0 (iPhone)"}}}).status, 302);
    ASSERT_EQ(send(ll->port(), {"GET", "/m-one", "", {{"User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)"}}}).status, 302);
    ASSERT_EQ(send(ll->port(), {"GET", "/m-no-such", "", {}}).status, 404);

    // Shipping is asynchronous: wait until this process has shipped what it journaled. A request
    // is counted once its answer is written (session.cpp's record), so the last 302, the 404 and
    // the scrape before can reach this client before their counts: wait for those too.
    auto const route_count = R"(linkledger_http_request_duration_seconds_count{method="GET",route="/{slug}"})";
    auto const scrapes = R"(linkledger_http_requests_total{method="GET",route="/metrics",status="200"})";
    std::string after;
    for (int tries = 0; tries < 400; ++tries) {
        after = scrape(ll->port());
        if (sample(after, "linkledger_journal_backlog_clicks") == 0 &&
            sample(after, "linkledger_clicks_shipped_total") >= sample(after, "linkledger_clicks_journaled_total") &&
            sample(after, route_302) >= redirects_before + 6 && sample(after, route_count) >= redirects_before + 7 &&
            sample(after, scrapes) >= 1)
            break;
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(sample(after, route_302), redirects_before + 6) << after;
    EXPECT_EQ(sample(after, R"(linkledger_redirects_total{kind="click"})"), clicks_before + 5);
    EXPECT_EQ(sample(after, "linkledger_clicks_bots_total"), bots_before + 1);
    EXPECT_EQ(sample(after, "linkledger_clicks_journaled_total"), journaled_before + 6);
    EXPECT_GE(sample(after, "linkledger_clicks_shipped_total"), journaled_before + 6);
    EXPECT_GE(sample(after, R"(linkledger_redirect_misses_total{reason="not_found"})"), 1);
    EXPECT_GE(sample(after, R"(linkledger_http_requests_total{method="GET",route="/{slug}",status="404"})"), 1);
    EXPECT_GE(sample(after, R"(linkledger_http_requests_total{method="POST",route="/api/v1/links",status="201"})"), 1);
    EXPECT_GE(sample(after, route_count), redirects_before + 7);
    EXPECT_GE(sample(after, R"(linkledger_http_request_duration_seconds_bucket{method="GET",route="/{slug}",le="+Inf"})"),
              redirects_before + 7);
    EXPECT_GE(sample(after, scrapes), 1);
    EXPECT_EQ(sample(after, "linkledger_click_writer_database_up"), 1);
    EXPECT_EQ(after.find("m-one"), std::string::npos) << "slugs must never become labels";
}

TEST_F(metrics, conversions_are_counted_by_status_as_the_database_has_them)
{
    // Before the conversions migration lands this database has no such table (the scrape must
    // work then too); a stand-in with the same `status` column shows the counting. Once the
    // real table exists it is used as it is.
    if (ll->db().query_value("SELECT to_regclass('conversions') IS NULL") == "t")
        ll->db().execute("CREATE TABLE conversions (id bigserial PRIMARY KEY, status text NOT NULL);"
                         "INSERT INTO conversions (status) VALUES ('pending'), ('pending'), ('approved')");
    auto const text = scrape(ll->port());
    auto const expected = ll->db().query_value(
        "SELECT coalesce(string_agg('linkledger_conversions{status=\"' || status || '\"} ' || n, E'\\n' ORDER BY status), '') "
        "FROM (SELECT status, count(*) AS n FROM conversions GROUP BY status) s");
    if (!expected.empty()) {
        EXPECT_NE(text.find("\n" + expected + "\n"), std::string::npos) << expected << "\n---\n" << text;
    }
    EXPECT_EQ(sample(text, "linkledger_metrics_database_up"), 1);
}

TEST(metrics_token, when_set_the_scrape_needs_it)
{
    instance ll("metrics_token", {{"LINKLEDGER_METRICS_TOKEN", "scrape-secret-0123456789"}});
    EXPECT_EQ(send(ll.port(), {"GET", "/metrics", "", {}}).status, 401);
    EXPECT_EQ(send(ll.port(), {"GET", "/metrics", "", {{"Authorization", "Bearer wrong-token-0123456789"}}}).status, 401);
    auto const text = scrape(ll.port(), {{"Authorization", "Bearer scrape-secret-0123456789"}});
    EXPECT_NE(text.find("linkledger_http_requests_total"), std::string::npos);
    EXPECT_EQ(ll.server().process().log().find("scrape-secret"), std::string::npos);
}

} // namespace
