// Events out (issue 16), checked from outside: the real server, a real receiver on loopback
// (Node, tests/webhooks/receiver.mjs) that verifies every signature with the Standard Webhooks
// reference implementation (npm standardwebhooks), and the database only to look.
#include "instance.hpp"
#include "webhook_suite.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <future>
#include <map>
#include <set>
#include <thread>

using namespace linkledger::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// Private addresses and http:// allowed (the receiver is on loopback); retries after 1 s.
environment const k_loopback_env{{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"},
                                 {"LINKLEDGER_WEBHOOK_RETRY_SCHEDULE", "1,1,1,1"}};

std::string str(json::value const& v, std::string_view name)
{
    return std::string(v.as_object().at(name).as_string());
}

bool within(std::chrono::milliseconds limit, auto&& condition)
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    do {
        if (condition())
            return true;
        std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

// Every member the API shows is in the event's data, with the same value.
void expect_api_object(json::value const& data, json::value const& api)
{
    ASSERT_TRUE(data.is_object()) << data;
    for (auto const& [key, value] : api.as_object()) {
        auto const* got = data.as_object().if_contains(key);
        EXPECT_TRUE(got != nullptr && *got == value)
            << "member " << key << ": API " << value << ", event " << (got ? json::serialize(*got) : "missing");
    }
}

// Entries of the receiver's log for `path`.
std::vector<json::object> at_path(json::array const& log, std::string const& path)
{
    std::vector<json::object> out;
    for (auto const& e : log)
        if (e.as_object().at("path").as_string() == path)
            out.push_back(e.as_object());
    return out;
}

json::object create_webhook(instance const& ll, std::string const& body)
{
    auto const reply = ll.api("POST", "/api/v1/webhooks", body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201)
        throw std::runtime_error("webhook not created: " + reply.body);
    return reply.json().as_object();
}

std::string webhook_body(std::string const& url, std::string const& events = "")
{
    json::object o{{"url", url}};
    if (!events.empty())
        o["events"] = json::parse(events);
    return json::serialize(o);
}

class webhooks : public webhook_suite_test<webhooks> {
public:
    static constexpr char const* k_label = "webhooks";
    static environment env() { return k_loopback_env; }
};

TEST_F(webhooks, an_endpoint_is_created_with_a_secret_shown_once)
{
    auto const created = create_webhook(*ll, R"({"url": ")" + receiver->url("/ok") +
                                                 R"(", "events": ["sale.created"], "format": "standard", "description": "sheet"})");
    auto const secret = str(created, "secret");
    ASSERT_TRUE(secret.starts_with("whsec_")) << secret;
    EXPECT_EQ(secret.size(), 6u + 44u) << "whsec_ + base64 of 32 bytes";
    EXPECT_EQ(str(created, "format"), "standard");
    EXPECT_EQ(json::serialize(created.at("events")), R"(["sale.created"])");
    auto const id = std::to_string(created.at("id").as_int64());

    auto const got = ll->api("GET", "/api/v1/webhooks/" + id);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_FALSE(got.json().as_object().contains("secret"));
    auto const listed = ll->api("GET", "/api/v1/webhooks");
    ASSERT_EQ(listed.status, 200);
    EXPECT_EQ(listed.body.find("whsec_"), std::string::npos) << "a list never shows a secret";

    auto const patched = ll->api("PATCH", "/api/v1/webhooks/" + id, R"({"events": ["link.created"], "format": "slack"})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(str(patched.json(), "format"), "slack");
    EXPECT_EQ(ll->api("DELETE", "/api/v1/webhooks/" + id).status, 204);
    EXPECT_EQ(ll->api("GET", "/api/v1/webhooks/" + id).status, 404);
}

TEST_F(webhooks, bad_input_is_a_400_naming_the_field)
{
    struct bad {
        std::string body, field;
    } const cases[] = {
        {R"({"url": "ftp://example.com/x"})", "url"},
        {R"({"url": "/relative"})", "url"},
        {R"({"url": "example.com/hook"})", "url"},
        {R"({"events": ["sale.created"]})", "url"},
        {R"({"url": "https://example.com/h", "events": ["sale.exploded"]})", "events"},
        {R"({"url": "https://example.com/h", "events": []})", "events"},
        {R"({"url": "https://example.com/h", "events": "sale.created"})", "events"},
        {R"({"url": "https://example.com/h", "format": "teams"})", "format"},
        {R"({"url": "https://example.com/h", "colour": "red"})", "colour"},
    };
    for (auto const& c : cases) {
        auto const reply = ll->api("POST", "/api/v1/webhooks", c.body);
        EXPECT_EQ(reply.status, 400) << c.body << " -> " << reply.body;
        if (reply.status == 400) {
            EXPECT_EQ(str(reply.json().as_object().at("error"), "field"), c.field) << c.body;
        }
    }
}

TEST_F(webhooks, a_sale_is_signed_and_verified_by_the_reference_implementation)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/ok"), R"(["sale.created", "sale.updated"])"));
    receiver->set_secrets({str(hook, "secret")});
    auto const offer = ll->api("POST", "/api/v1/offers",
                               R"({"name": "Shop", "currency": "EUR", "commission": {"type": "percent", "rate_bps": 1000}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const offer_id = std::to_string(offer.json().as_object().at("id").as_int64());
    auto const sale = ll->api("POST", "/api/v1/conversions",
                              R"({"offer_id": )" + offer_id + R"(, "txid": "ORDER-1", "amount_minor": 1999})");
    ASSERT_EQ(sale.status, 201) << sale.body;

    auto log = receiver->wait_for(1, 10s);
    ASSERT_EQ(log.size(), 1u);
    auto const& got = log[0].as_object();
    EXPECT_TRUE(got.at("verified").as_array().at(0).as_bool()) << json::serialize(got);
    EXPECT_TRUE(str(got, "webhook_id").starts_with("msg_"));
    EXPECT_TRUE(str(got, "webhook_signature").starts_with("v1,"));
    auto const ts = std::stoll(str(got, "webhook_timestamp"));
    EXPECT_NEAR(static_cast<double>(ts), static_cast<double>(std::time(nullptr)), 30.0);
    auto const payload = json::parse(str(got, "body")).as_object();
    EXPECT_EQ(str(payload, "type"), "sale.created");
    EXPECT_TRUE(payload.contains("timestamp"));
    // data is the object the API returned for the sale, less what the answer told its sender.
    auto answered = sale.json().as_object();
    EXPECT_TRUE(answered.at("warnings").as_array().empty()) << sale.body;
    answered.erase("warnings");
    EXPECT_EQ(payload.at("data"), answered) << str(got, "body") << "\nAPI: " << sale.body;

    // A status change: sale.updated with the previous status.
    auto const id = std::to_string(sale.json().as_object().at("id").as_int64());
    auto const approved = ll->api("PATCH", "/api/v1/conversions/" + id, R"({"status": "approved"})");
    ASSERT_EQ(approved.status, 200) << approved.body;
    log = receiver->wait_for(2, 10s);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_TRUE(log[1].as_object().at("verified").as_array().at(0).as_bool());
    auto const updated = json::parse(str(log[1], "body")).as_object();
    EXPECT_EQ(str(updated, "type"), "sale.updated");
    EXPECT_EQ(str(updated.at("data"), "status"), "approved");
    EXPECT_EQ(str(updated.at("data"), "previous_status"), "pending");
    EXPECT_NE(str(log[0], "webhook_id"), str(log[1], "webhook_id"));

    // Its money changes, its status does not (a partial refund): sale.updated all the same,
    // with the figures it had. Before, nothing was sent and a consumer kept 19.99 for good.
    auto const refunded = ll->api("POST", "/api/v1/conversions",
                                  R"({"offer_id": )" + offer_id + R"(, "txid": "ORDER-1", "amount_minor": 1500})");
    ASSERT_EQ(refunded.status, 200) << refunded.body;
    log = receiver->wait_for(3, 10s);
    ASSERT_EQ(log.size(), 3u);
    auto const changed = json::parse(str(log[2], "body")).as_object();
    EXPECT_EQ(str(changed, "type"), "sale.updated");
    EXPECT_EQ(changed.at("data").at("amount_minor").as_int64(), 1500);
    EXPECT_EQ(changed.at("data").at("previous_amount_minor").as_int64(), 1999);
    EXPECT_EQ(changed.at("data").at("previous_commission_minor").as_int64(), 200);
    EXPECT_EQ(str(changed.at("data"), "previous_status"), "approved");

    // The delivery log says so, once the sender has written down the answer it got (the
    // receiver has the request a moment before that).
    auto const deliveries_path = "/api/v1/webhooks/" + std::to_string(hook.at("id").as_int64()) + "/deliveries";
    json::value deliveries_json;
    for (auto const until = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < until;) {
        auto const deliveries = ll->api("GET", deliveries_path);
        ASSERT_EQ(deliveries.status, 200) << deliveries.body;
        deliveries_json = deliveries.json();
        auto const& listed = deliveries_json.as_object().at("deliveries").as_array();
        if (listed.size() == 3 && std::all_of(listed.begin(), listed.end(),
                                              [](auto const& d) { return str(d, "status") == "succeeded"; }))
            break;
        std::this_thread::sleep_for(50ms);
    }
    auto const& items = deliveries_json.as_object().at("deliveries").as_array();
    ASSERT_EQ(items.size(), 3u) << json::serialize(deliveries_json);
    EXPECT_EQ(str(items[0], "status"), "succeeded") << json::serialize(deliveries_json);
    EXPECT_EQ(items[0].as_object().at("response_code").as_int64(), 200);
    EXPECT_EQ(str(items[0], "response_body"), "ok");

    // Where it came from changes, nothing else (its code named by a later report): sale.updated,
    // with where it came from before. Before, nothing was sent and a consumer totalling by
    // video or source kept it unattributed for good.
    auto const video = ll->api("POST", "/api/v1/videos", R"({"url": "https://www.tiktok.com/@me/video/7311111111111111111", "posted_at": "2026-11-01T10:00:00Z"})");
    ASSERT_EQ(video.status, 201) << video.body;
    auto const code = ll->api("POST", "/api/v1/promo-codes",
                              R"({"code": "HOOKED", "offer_id": )" + offer_id + R"(, "video_id": )" +
                                  std::to_string(video.json().at("id").as_int64()) + "}");
    ASSERT_EQ(code.status, 201) << code.body;
    auto const found = ll->api("POST", "/api/v1/conversions",
                               R"({"offer_id": )" + offer_id + R"(, "txid": "ORDER-1", "amount_minor": 1500, "code": "HOOKED"})");
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_EQ(str(found.json(), "attribution"), "code") << found.body;
    log = receiver->wait_for(4, 10s);
    ASSERT_EQ(log.size(), 4u);
    auto const attributed = json::parse(str(log[3], "body")).as_object();
    EXPECT_EQ(str(attributed, "type"), "sale.updated");
    EXPECT_EQ(str(attributed.at("data"), "attribution"), "code");
    EXPECT_EQ(str(attributed.at("data"), "previous_attribution"), "none");
    EXPECT_TRUE(attributed.at("data").at("previous_video_id").is_null());
    EXPECT_EQ(attributed.at("data").at("video_id"), video.json().at("id"));

    // Its time changes, nothing else (booked without one, given it later): sale.updated, with the
    // time it had. Before, nothing was sent and a consumer totalling by month kept it where it
    // arrived.
    auto const arrived = str(found.json(), "occurred_at");
    auto const dated = ll->api("POST", "/api/v1/conversions",
                               R"({"offer_id": )" + offer_id +
                                   R"(, "txid": "ORDER-1", "amount_minor": 1500, "occurred_at": "2026-11-20T10:00:00Z"})");
    ASSERT_EQ(dated.status, 200) << dated.body;
    log = receiver->wait_for(5, 10s);
    ASSERT_EQ(log.size(), 5u);
    auto const redated = json::parse(str(log[4], "body")).as_object();
    EXPECT_EQ(str(redated, "type"), "sale.updated");
    EXPECT_EQ(str(redated.at("data"), "occurred_at"), "2026-11-20T10:00:00Z");
    EXPECT_EQ(str(redated.at("data"), "previous_occurred_at"), arrived);
    EXPECT_EQ(redated.at("data").at("previous_amount_minor").as_int64(), 1500);
}

// One postback that names the sale's code (it was booked without one) and changes its status is
// one sale.updated carrying both changes: its new attribution and status beside the previous
// ones. Before, the attribution and the status were written apart and two events went out, the
// first saying the status had not changed.
TEST_F(webhooks, a_postback_that_attributes_a_sale_and_changes_its_status_is_one_sale_updated)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/ok"), R"(["sale.updated"])"));
    receiver->set_secrets({str(hook, "secret")});
    auto const offer = ll->api("POST", "/api/v1/offers",
                               R"({"name": "Both", "currency": "EUR", "commission": {"type": "percent", "rate_bps": 1000}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const offer_id = std::to_string(offer.json().at("id").as_int64());
    auto const url = str(offer.json(), "postback_url");
    auto const at = url.find("token=") + 6;
    auto const postback = "/postback/" + offer_id + "?token=" + url.substr(at, url.find('&', at) - at) + "&";
    auto const video = ll->api("POST", "/api/v1/videos",
                               R"({"url": "https://www.tiktok.com/@me/video/7322222222222222222", "posted_at": "2026-11-01T10:00:00Z"})");
    ASSERT_EQ(video.status, 201) << video.body;
    auto const code = ll->api("POST", "/api/v1/promo-codes",
                              R"({"code": "BOTHATONCE", "offer_id": )" + offer_id + R"(, "video_id": )" +
                                  std::to_string(video.json().at("id").as_int64()) + "}");
    ASSERT_EQ(code.status, 201) << code.body;

    ASSERT_EQ(send(ll->port(), {"GET", postback + "txid=BOTH-1&amount=50.00", "", {}}).status, 200);
    auto const both = send(ll->port(), {"GET", postback + "txid=BOTH-1&amount=50.00&code=BOTHATONCE&status=approved", "", {}});
    ASSERT_EQ(both.status, 200) << both.body;
    EXPECT_EQ(str(both.json(), "result"), "updated");

    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM webhook_events WHERE type = 'sale.updated' "
                                   "AND data ->> 'txid' = 'BOTH-1'"),
              "1");
    auto const log = receiver->wait_for(1, 10s);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0].as_object().at("verified").as_array().at(0).as_bool());
    auto const data = json::parse(str(log[0], "body")).at("data");
    EXPECT_EQ(str(data, "status"), "approved");
    EXPECT_EQ(str(data, "previous_status"), "pending");
    EXPECT_EQ(str(data, "attribution"), "code");
    EXPECT_EQ(str(data, "previous_attribution"), "none");
    EXPECT_EQ(data.at("video_id"), video.json().at("id"));
    EXPECT_TRUE(data.at("previous_video_id").is_null());
    EXPECT_EQ(data.at("amount_minor").as_int64(), 5000);
    EXPECT_EQ(data.at("previous_amount_minor").as_int64(), 5000);
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(receiver->log().size(), 1u);
}

TEST_F(webhooks, link_and_offer_changes_are_events_with_the_api_object)
{
    auto const hook = create_webhook(
        *ll, webhook_body(receiver->url("/ok"), R"(["link.created", "link.updated", "link.deleted", "offer.updated"])"));
    receiver->set_secrets({str(hook, "secret")});
    auto const link = ll->create_link(R"({"target_url": "https://shop.example/p", "slug": "wh-link", "title": "A"})");
    auto const id = std::to_string(link.at("id").as_int64());
    auto const patched = ll->api("PATCH", "/api/v1/links/" + id, R"({"title": "B"})");
    ASSERT_EQ(patched.status, 200);
    ASSERT_EQ(ll->api("DELETE", "/api/v1/links/" + id).status, 204);
    auto const offer = ll->api("POST", "/api/v1/offers",
                               R"({"name": "Shop2", "currency": "EUR", "commission": {"type": "reported"}})");
    ASSERT_EQ(offer.status, 201);
    auto const offer_id = std::to_string(offer.json().as_object().at("id").as_int64());
    auto const offer_patched = ll->api("PATCH", "/api/v1/offers/" + offer_id, R"({"name": "Shop 2"})");
    ASSERT_EQ(offer_patched.status, 200) << offer_patched.body;

    auto const log = receiver->wait_for(4, 10s);
    ASSERT_EQ(log.size(), 4u) << json::serialize(log);
    std::vector<std::string> types;
    for (auto const& e : log) {
        EXPECT_TRUE(e.as_object().at("verified").as_array().at(0).as_bool());
        types.push_back(str(json::parse(str(e, "body")), "type"));
    }
    std::multiset<std::string> const got(types.begin(), types.end());
    EXPECT_EQ(got, (std::multiset<std::string>{"link.created", "link.updated", "link.deleted", "offer.updated"}));
    for (auto const& e : log) {
        auto const payload = json::parse(str(e, "body")).as_object();
        if (str(payload, "type") == "link.created") {
            expect_api_object(payload.at("data"), json::value(link));
        }
        if (str(payload, "type") == "link.updated") {
            expect_api_object(payload.at("data"), patched.json());
        }
        if (str(payload, "type") == "offer.updated") {
            expect_api_object(payload.at("data"), offer_patched.json());
        }
    }
}

// A link's clicks in its events are the links list's figure: the event summed
// click_rollups_daily (migration 0011), the list click_totals_daily; the two tables were apart
// once the detail was thinned (here: the link's detail rows deleted), and link.updated said 0
// clicks where the list said 2.
TEST_F(webhooks, a_link_event_counts_the_clicks_the_links_list_counts)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/ok"), R"(["link.updated"])"));
    receiver->set_secrets({str(hook, "secret")});
    auto const link = ll->create_link(R"({"target_url": "https://shop.example/p", "slug": "wh-clicks"})");
    auto const id = std::to_string(link.at("id").as_int64());
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(send(ll->port(), {"GET", "/wh-clicks", "", {{"User-Agent", "Mozilla/5.0 (iPhone)"}}}).status, 302);
    ASSERT_EQ(ll->db().wait_for_value("SELECT COALESCE(sum(clicks), 0) FROM click_totals_daily WHERE link_id = " + id, "2"), "2");
    ll->db().execute("DELETE FROM click_rollups_daily WHERE link_id = " + id);
    auto const patched = ll->api("PATCH", "/api/v1/links/" + id, R"({"title": "Counted"})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    auto const listed = ll->api("GET", "/api/v1/links/" + id);
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(listed.json().at("clicks").as_int64(), 2) << listed.body;

    auto const log = receiver->wait_for(1, 10s);
    ASSERT_EQ(log.size(), 1u) << json::serialize(log);
    auto const payload = json::parse(str(log.at(0), "body")).as_object();
    EXPECT_EQ(str(payload, "type"), "link.updated");
    EXPECT_EQ(payload.at("data").at("clicks").as_int64(), 2) << json::serialize(payload);
    expect_api_object(payload.at("data"), listed.json());
}

// An address written with a fully qualified name's trailing dot is sent to as the address: the
// resolver looked "127.0.0.1." up as a name and every delivery failed.
TEST_F(webhooks, an_address_written_with_a_trailing_dot_gets_its_deliveries)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/ok", "127.0.0.1.")));
    receiver->set_secrets({str(hook, "secret")});
    auto const ping = ll->api("POST", "/api/v1/webhooks/" + std::to_string(hook.at("id").as_int64()) + "/test");
    ASSERT_EQ(ping.status, 202) << ping.body;
    auto const log = receiver->wait_for(1, 20s);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(str(json::parse(str(log.at(0), "body")), "type"), "ping");
}

TEST_F(webhooks, a_receiver_that_fails_twice_gets_three_attempts_with_one_webhook_id)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/fail/2")));
    receiver->set_secrets({str(hook, "secret")});
    auto const hook_id = std::to_string(hook.at("id").as_int64());
    auto const ping = ll->api("POST", "/api/v1/webhooks/" + hook_id + "/test");
    ASSERT_EQ(ping.status, 202) << ping.body;

    auto const log = receiver->wait_for(3, 20s);
    ASSERT_EQ(log.size(), 3u);
    std::set<std::string> ids;
    for (auto const& e : log) {
        ids.insert(str(e, "webhook_id"));
        EXPECT_TRUE(e.as_object().at("verified").as_array().at(0).as_bool()) << json::serialize(e);
        EXPECT_EQ(str(json::parse(str(e, "body")), "type"), "ping");
    }
    EXPECT_EQ(ids.size(), 1u) << "every attempt carries the same webhook-id";
    EXPECT_EQ(*ids.begin(), str(ping.json(), "webhook_id"));
    // Each attempt signs its own timestamp, about a second apart (the test schedule).
    EXPECT_GE(log[1].as_object().at("at").to_number<double>() - log[0].as_object().at("at").to_number<double>(), 700.0);

    // The receiver logs the third attempt before the sender has its answer and writes it down:
    // the delivery log is read once it says so (a fixed 2 s wait lost that race on a slow
    // writer), and only then is the absence of a fourth attempt checked.
    json::value deliveries_json;
    within(10s, [&] {
        deliveries_json = ll->api("GET", "/api/v1/webhooks/" + hook_id + "/deliveries").json();
        auto const& listed = deliveries_json.as_object().at("deliveries").as_array();
        return !listed.empty() && str(listed.at(0), "status") == "succeeded";
    });
    auto const& d = deliveries_json.as_object().at("deliveries").as_array().at(0).as_object();
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(receiver->log().size(), 3u) << "no attempt after the success";
    EXPECT_EQ(str(d, "status"), "succeeded");
    EXPECT_EQ(d.at("attempts").as_int64(), 3);
    EXPECT_EQ(d.at("history").as_array().size(), 3u);
    EXPECT_EQ(d.at("history").as_array().at(0).as_object().at("response_code").as_int64(), 500);

    // Resent by hand: once more, with the same webhook-id.
    auto const resent = ll->api("POST", "/api/v1/webhooks/" + hook_id + "/deliveries/" +
                                            std::to_string(d.at("id").as_int64()) + "/resend");
    ASSERT_EQ(resent.status, 202) << resent.body;
    auto const after = receiver->wait_for(4, 10s);
    ASSERT_EQ(after.size(), 4u);
    EXPECT_EQ(str(after[3], "webhook_id"), *ids.begin());
}

TEST_F(webhooks, retry_after_is_honoured_and_redirects_are_not_followed)
{
    auto const waits = create_webhook(*ll, webhook_body(receiver->url("/retry-after/3")));
    auto const moves = create_webhook(*ll, webhook_body(receiver->url("/redirect")));
    ASSERT_EQ(ll->api("POST", "/api/v1/webhooks/" + std::to_string(waits.at("id").as_int64()) + "/test").status, 202);
    ASSERT_EQ(ll->api("POST", "/api/v1/webhooks/" + std::to_string(moves.at("id").as_int64()) + "/test").status, 202);
    ASSERT_TRUE(within(15s, [&] { return at_path(receiver->log(), "/retry-after/3").size() >= 2; }));
    auto const tries = at_path(receiver->log(), "/retry-after/3");
    auto const gap = tries[1].at("at").to_number<double>() - tries[0].at("at").to_number<double>();
    EXPECT_GE(gap, 2900.0) << "Retry-After: 3 was not honoured (the schedule says 1 s)";
    auto const log = receiver->log();
    EXPECT_TRUE(at_path(log, "/ok").empty()) << "a 302 must not be followed";
    EXPECT_GE(at_path(log, "/redirect").size(), 2u) << "a 302 is a failure, retried";
}

TEST_F(webhooks, a_410_disables_the_endpoint)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/gone")));
    auto const id = std::to_string(hook.at("id").as_int64());
    ASSERT_EQ(ll->api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);
    ASSERT_TRUE(within(10s, [&] { return !ll->api("GET", "/api/v1/webhooks/" + id).json().as_object().at("active").as_bool(); }));
    auto const got = ll->api("GET", "/api/v1/webhooks/" + id).json();
    EXPECT_EQ(str(got, "disabled_reason"), "gone");
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(at_path(receiver->log(), "/gone").size(), 1u) << "no retry after a 410";
    EXPECT_EQ(ll->api("POST", "/api/v1/webhooks/" + id + "/test").status, 409);
}

TEST_F(webhooks, twenty_failures_in_a_row_disable_the_endpoint)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/fail/1000")));
    auto const id = std::to_string(hook.at("id").as_int64());
    // Twenty events at once: each fails its first attempt.
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(ll->api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);
    ASSERT_TRUE(within(20s, [&] { return !ll->api("GET", "/api/v1/webhooks/" + id).json().as_object().at("active").as_bool(); }));
    auto const got = ll->api("GET", "/api/v1/webhooks/" + id).json();
    EXPECT_EQ(str(got, "disabled_reason"), "failures");
    EXPECT_GE(got.as_object().at("consecutive_failures").as_int64(), 20);
    // Made active again by hand: counted from zero.
    auto const again = ll->api("PATCH", "/api/v1/webhooks/" + id, R"({"active": true})");
    EXPECT_TRUE(again.json().as_object().at("disabled_reason").is_null());
    EXPECT_EQ(again.json().as_object().at("consecutive_failures").as_int64(), 0);
    ll->api("PATCH", "/api/v1/webhooks/" + id, R"({"active": false})");
}

TEST_F(webhooks, a_rotated_secret_verifies_with_both_during_the_overlap)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/ok")));
    auto const id = std::to_string(hook.at("id").as_int64());
    auto const old_secret = str(hook, "secret");
    auto const rotated = ll->api("POST", "/api/v1/webhooks/" + id + "/secret");
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    auto const new_secret = str(rotated.json(), "secret");
    ASSERT_NE(new_secret, old_secret);
    EXPECT_FALSE(rotated.json().as_object().at("previous_secret_expires_at").is_null());
    receiver->set_secrets({old_secret, new_secret, "whsec_" + std::string(43, 'A') + "="});
    ASSERT_EQ(ll->api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);
    auto const log = receiver->wait_for(1, 10s);
    ASSERT_EQ(log.size(), 1u);
    auto const& verified = log[0].as_object().at("verified").as_array();
    EXPECT_TRUE(verified.at(0).as_bool()) << "the old secret must verify during the overlap";
    EXPECT_TRUE(verified.at(1).as_bool()) << "the new secret must verify";
    EXPECT_FALSE(verified.at(2).as_bool()) << "another secret must not";
    auto const signature = str(log[0], "webhook_signature");
    EXPECT_EQ(std::count(signature.begin(), signature.end(), ' '), 1) << signature;

    // After the overlap only the new one signs.
    ll->db().execute("UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 second' WHERE id = " + id);
    receiver->clear();
    ASSERT_EQ(ll->api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);
    auto const later = receiver->wait_for(1, 10s);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_FALSE(later[0].as_object().at("verified").as_array().at(0).as_bool());
    EXPECT_TRUE(later[0].as_object().at("verified").as_array().at(1).as_bool());
}

TEST_F(webhooks, an_event_is_written_in_the_transaction_of_its_change)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/ok"), R"(["link.created"])"));
    // A change rolled back leaves no event; one committed (even by psql) has one.
    ll->db().execute("BEGIN; INSERT INTO links (slug, target_url) VALUES ('wh-rolled-back', 'https://a.example'); ROLLBACK");
    ll->db().execute("INSERT INTO links (slug, target_url) VALUES ('wh-by-sql', 'https://a.example')");
    auto const log = receiver->wait_for(1, 10s);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(str(json::parse(str(log[0], "body")).at("data"), "slug"), "wh-by-sql");
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(receiver->log().size(), 1u);
}

// Whether a backend of the instance's database sleeps in pg_sleep (a test's trigger holding a
// transaction) within 10 s.
bool held_in_pg_sleep(instance& ll)
{
    return ll.db().wait_for_value("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                                  "AND datname = current_database()",
                                  "1") == "1";
}

// An endpoint deleted while the sender writes down a failed attempt to it. The delete locks the
// endpoint, then its deliveries; the sender must not hold a delivery while it waits for the
// endpoint, or PostgreSQL finds a deadlock and aborts one of the two (the DELETE then answered
// 500). The attempt's insert is held for a while (a trigger of the test's own) so that the
// delete always comes in the middle of the sender's transaction.
TEST_F(webhooks, an_endpoint_deleted_while_its_failure_is_written_is_deleted)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/fail/1000")));
    auto const id = std::to_string(hook.at("id").as_int64());
    ll->db().execute(R"sql(
        CREATE FUNCTION test_hold_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT endpoint_id FROM webhook_deliveries WHERE id = NEW.delivery_id) = )sql" + id + R"sql( THEN
                PERFORM pg_sleep(1.5);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER test_hold_attempt AFTER INSERT ON webhook_attempts
            FOR EACH ROW EXECUTE FUNCTION test_hold_attempt();
    )sql");
    auto const log_from = ll->server().process().log().size();
    ASSERT_EQ(ll->api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);
    bool const held = held_in_pg_sleep(*ll);
    auto const deleted = held ? ll->api("DELETE", "/api/v1/webhooks/" + id) : http_reply{};
    ll->db().execute("DROP TRIGGER test_hold_attempt ON webhook_attempts; DROP FUNCTION test_hold_attempt()");
    ASSERT_TRUE(held) << "the sender never wrote the attempt";
    EXPECT_EQ(deleted.status, 204) << deleted.body;
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM webhook_endpoints WHERE id = " + id), "0");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = " + id), "0");
    auto const log = ll->server().process().log();
    EXPECT_EQ(log.find("deadlock", log_from), std::string::npos) << log.substr(log_from);
}

// A change made while an endpoint subscribed to it is being deleted: the change goes through,
// without a delivery to the deleted endpoint. (The delivery's foreign key used to wait for the
// delete and then fail, and the link, or a sale, with it.) The delete is held for a while after
// its row is gone, by a trigger of the test's own, so the change always comes in the middle.
TEST_F(webhooks, a_change_made_while_its_endpoint_is_deleted_goes_through)
{
    auto const hook = create_webhook(*ll, webhook_body(receiver->url("/ok"), R"(["link.created"])"));
    auto const id = std::to_string(hook.at("id").as_int64());
    ll->db().execute(R"sql(
        CREATE FUNCTION test_hold_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_sleep(1.5);
            RETURN NULL;
        END $$;
        CREATE TRIGGER test_hold_delete AFTER DELETE ON webhook_endpoints
            FOR EACH ROW EXECUTE FUNCTION test_hold_delete();
    )sql");
    auto deleting = std::async(std::launch::async, [&] { return ll->api("DELETE", "/api/v1/webhooks/" + id); });
    bool const held = held_in_pg_sleep(*ll);
    auto const link = held ? ll->api("POST", "/api/v1/links", R"({"target_url":"https://shop.example/d","slug":"wh-mid-delete"})")
                           : http_reply{};
    auto const deleted = deleting.get();
    ll->db().execute("DROP TRIGGER test_hold_delete ON webhook_endpoints; DROP FUNCTION test_hold_delete()");
    ASSERT_TRUE(held) << "the delete was never held";
    EXPECT_EQ(link.status, 201) << link.body;
    EXPECT_EQ(deleted.status, 204) << deleted.body;
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM links WHERE slug = 'wh-mid-delete'"), "1");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = " + id), "0");
}

// A server stopped while a delivery waits for its retry, and one stopped while an event was
// written with no server running: both are delivered once after the start.
TEST(webhooks_restart, a_pending_delivery_is_delivered_once_after_a_restart)
{
    webhook_receiver receiver;
    environment env = k_loopback_env;
    env["LINKLEDGER_WEBHOOK_RETRY_SCHEDULE"] = "4,4";
    instance ll("webhooks_restart", env);
    auto const hook = create_webhook(ll, webhook_body(receiver.url("/fail/1")));
    receiver.set_secrets({str(hook, "secret")});
    ASSERT_EQ(ll.api("POST", "/api/v1/webhooks/" + std::to_string(hook.at("id").as_int64()) + "/test").status, 202);
    ASSERT_EQ(receiver.wait_for(1, 10s).size(), 1u);
    // The first attempt failed; its retry is due in about 4 s. Stop now, start again.
    ll.server().process().send_signal(SIGTERM);
    EXPECT_EQ(ll.server().process().wait(), 0);
    // An event while no server runs.
    ll.db().execute("INSERT INTO links (slug, target_url) VALUES ('wh-while-down', 'https://a.example')");
    server_process again(ll.db().url(), env);
    // The receiver fails the first attempt of each webhook-id: the ping's second attempt and
    // the link's two make four.
    EXPECT_GE(receiver.wait_for(4, 60s).size(), 4u);
    std::this_thread::sleep_for(5s); // and no fifth
    auto const final_log = receiver.log();
    ASSERT_EQ(final_log.size(), 4u) << json::serialize(final_log);
    std::map<std::string, int> by_id;
    for (auto const& e : final_log) {
        ++by_id[str(e, "webhook_id")];
        EXPECT_TRUE(e.as_object().at("verified").as_array().at(0).as_bool());
    }
    EXPECT_EQ(by_id.size(), 2u) << "the ping and the link";
    for (auto const& [id, attempts] : by_id)
        EXPECT_EQ(attempts, 2) << id << ": one failure, then one success, never a third";
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'"), "2");
}

// The sender claims deliveries ahead of its free slots. Stopped with a queue claimed but not
// sent, it gives the queue back: nothing stays leased (the next start would otherwise wait
// out the 60 s lease), no attempt is counted for what was never sent, and each event
// reaches the receiver once across the restart.
TEST(webhooks_restart, deliveries_claimed_ahead_are_given_back_at_a_stop)
{
    webhook_receiver receiver;
    instance ll("webhooks_claim_ahead", k_loopback_env);
    auto const hook = create_webhook(ll, webhook_body(receiver.url("/slow/200"), R"(["link.created"])"));
    receiver.set_secrets({str(hook, "secret")});
    constexpr int k_links = 100;
    ll.db().execute("INSERT INTO links (slug, target_url) SELECT 'ahead-' || i, 'https://shop.example/' || i "
                    "FROM generate_series(1, " + std::to_string(k_links) + ") i");
    receiver.wait_for(12, 20s);
    // Leased: in flight (8 at most) or claimed ahead.
    EXPECT_GT(std::stoi(ll.db().query_value("SELECT count(*) FROM webhook_deliveries "
                                            "WHERE status = 'pending' AND next_attempt_at > now() + interval '30 s'")),
              8);
    ll.server().process().send_signal(SIGTERM);
    EXPECT_EQ(ll.server().process().wait(), 0);
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM webhook_deliveries "
                                  "WHERE status = 'pending' AND next_attempt_at > now() + interval '5 s'"),
              "0");
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND attempts <> 0"),
              "0");
    auto const sent_before = receiver.log().size();
    EXPECT_LT(sent_before, static_cast<std::size_t>(k_links));
    server_process again(ll.db().url(), k_loopback_env);
    // Well within the lease: what was given back is due at once.
    EXPECT_EQ(ll.db().wait_for_value("SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'",
                                     std::to_string(k_links), 20s),
              std::to_string(k_links));
    std::this_thread::sleep_for(500ms);
    auto const log = receiver.log();
    std::set<std::string> ids;
    for (auto const& e : log)
        ids.insert(str(e, "webhook_id"));
    EXPECT_EQ(log.size(), static_cast<std::size_t>(k_links)) << "an event was sent twice";
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(k_links));
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM webhook_deliveries WHERE attempts <> 1"), "0");
}

TEST(webhooks_two_instances, deliver_each_event_once)
{
    webhook_receiver receiver;
    instance a("webhooks_two", k_loopback_env);
    server_process b(a.db().url(), k_loopback_env);
    auto const hook = create_webhook(a, webhook_body(receiver.url("/ok"), R"(["link.created"])"));
    receiver.set_secrets({str(hook, "secret")});
    constexpr int k_links = 200;
    for (int i = 0; i < k_links; ++i) {
        auto const port = i % 2 ? b.port() : a.port();
        auto const reply = api(port, "POST", "/api/v1/links", a.key(),
                               R"({"target_url": "https://shop.example/x", "slug": "two-)" + std::to_string(i) + R"("})");
        ASSERT_EQ(reply.status, 201) << reply.body;
    }
    ASSERT_EQ(a.db().wait_for_value("SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'",
                                    std::to_string(k_links), 30s),
              std::to_string(k_links));
    std::this_thread::sleep_for(1s);
    auto const log = receiver.log();
    std::set<std::string> ids, slugs;
    for (auto const& e : log) {
        ids.insert(str(e, "webhook_id"));
        slugs.insert(str(json::parse(str(e, "body")).at("data"), "slug"));
        EXPECT_TRUE(e.as_object().at("verified").as_array().at(0).as_bool());
    }
    EXPECT_EQ(log.size(), static_cast<std::size_t>(k_links)) << "an event was sent twice";
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(k_links));
    EXPECT_EQ(slugs.size(), static_cast<std::size_t>(k_links));
}

TEST(webhooks_ssrf, a_private_address_is_refused_without_the_setting)
{
    webhook_receiver receiver;
    instance ll("webhooks_ssrf", {{"LINKLEDGER_WEBHOOK_RETRY_SCHEDULE", "60"}});
    // At creation: http://, literal private addresses (in the shorthand forms resolvers read
    // too), localhost in any case, and a port past 65535.
    for (auto const& url : {receiver.url("/ok"), std::string("https://127.0.0.1:") + std::to_string(receiver.port()) + "/ok",
                            std::string("https://10.1.2.3/hook"), std::string("https://169.254.169.254/latest"),
                            std::string("https://[::1]/hook"), std::string("https://[fd00:ec2::254]/x"),
                            std::string("https://localhost/hook"), std::string("https://127.1/hook"),
                            std::string("https://2130706433/hook"), std::string("https://0x7f000001/hook"),
                            std::string("https://0177.0.0.1/hook"), std::string("https://0/hook"),
                            std::string("https://LOCALHOST./hook"), std::string("https://foo.localhost./hook"),
                            std::string("https://a.example:99999/hook")}) {
        auto const reply = ll.api("POST", "/api/v1/webhooks", webhook_body(url));
        EXPECT_EQ(reply.status, 400) << url << " -> " << reply.body;
        if (reply.status == 400) {
            EXPECT_EQ(str(reply.json().as_object().at("error"), "field"), "url");
        }
    }
    // At send time: a name that resolved to a public address at creation now points to
    // loopback (DNS rebinding), as a change of the row stands for here.
    auto const hook = create_webhook(ll, webhook_body("https://hooks.example.com/in"));
    auto const id = std::to_string(hook.at("id").as_int64());
    ll.db().execute("UPDATE webhook_endpoints SET url = 'https://127.0.0.1:" + std::to_string(receiver.port()) +
                    "/ok' WHERE id = " + id);
    ASSERT_EQ(ll.api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);
    std::string error;
    ASSERT_TRUE(within(10s, [&] {
        auto const d = ll.api("GET", "/api/v1/webhooks/" + id + "/deliveries").json();
        auto const& items = d.as_object().at("deliveries").as_array();
        if (items.empty() || items[0].as_object().at("error").is_null())
            return false;
        error = str(items[0], "error");
        return true;
    }));
    EXPECT_NE(error.find("loopback"), std::string::npos) << error;
    EXPECT_TRUE(receiver.log().empty()) << "nothing may reach a private address";
    // The metrics count it, once the sender has counted what it committed: the API shows the
    // attempt from the commit on, a moment before the counter moves.
    std::string metrics;
    auto const refused_counted = [&] {
        metrics = send(ll.port(), {"GET", "/metrics", "", {}}).body;
        return metrics.find(R"(linkledger_webhook_attempts_total{outcome="refused"} 1)") != std::string::npos;
    };
    EXPECT_TRUE(within(10s, refused_counted)) << metrics;
}

} // namespace
