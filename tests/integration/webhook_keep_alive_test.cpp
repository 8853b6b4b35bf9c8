// Events out (issue 16): the sender keeps a receiver's connection open between deliveries,
// and nothing is lost or failed when the receiver closes it. The real server and a real
// receiver on loopback (tests/webhooks/receiver.mjs numbers the connections it serves).
#include "instance.hpp"
#include "webhook_suite.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <thread>

using namespace linkledger::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::string str(json::value const& v, std::string_view name)
{
    return std::string(v.as_object().at(name).as_string());
}

class webhook_keep_alive : public webhook_suite_test<webhook_keep_alive> {
public:
    static constexpr char const* k_label = "webhook_keep_alive";
    static environment env()
    {
        return {{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"}, {"LINKLEDGER_WEBHOOK_RETRY_SCHEDULE", "1,1,1"}};
    }

protected:
    std::string create_webhook(std::string const& path) const
    {
        auto const reply = ll->api("POST", "/api/v1/webhooks", json::serialize(json::object{{"url", receiver->url(path)}}));
        if (reply.status != 201)
            throw std::runtime_error("webhook not created: " + reply.body);
        return std::to_string(reply.json().as_object().at("id").as_int64());
    }

    // Sends a ping and waits until its delivery is written down as it ended; returns it.
    json::object ping_and_wait(std::string const& endpoint) const
    {
        auto const sent = ll->api("POST", "/api/v1/webhooks/" + endpoint + "/test");
        if (sent.status != 202)
            throw std::runtime_error("ping not accepted: " + sent.body);
        auto const delivery = sent.json().as_object().at("delivery_id").as_int64();
        json::object found;
        // Generous: a loaded machine is slow, and a delivery that passes returns at once.
        auto const until = std::chrono::steady_clock::now() + 30s;
        while (std::chrono::steady_clock::now() < until) {
            auto const listed = ll->api("GET", "/api/v1/webhooks/" + endpoint + "/deliveries").json();
            for (auto const& d : listed.as_object().at("deliveries").as_array())
                if (d.as_object().at("id").as_int64() == delivery)
                    found = d.as_object();
            if (!found.empty() && str(found, "status") != "pending")
                return found;
            std::this_thread::sleep_for(50ms);
        }
        return found;
    }

};

std::int64_t connection_of(json::value const& entry)
{
    return entry.as_object().at("connection").as_int64();
}

// Succeeded on its first attempt, with nothing in its history but that success.
void expect_clean_success(json::object const& d)
{
    ASSERT_FALSE(d.empty()) << "the delivery was not found";
    EXPECT_EQ(str(d, "status"), "succeeded") << json::serialize(d);
    EXPECT_EQ(d.at("attempts").as_int64(), 1) << json::serialize(d);
    EXPECT_TRUE(d.at("error").is_null()) << json::serialize(d);
}

TEST_F(webhook_keep_alive, a_receiver_gets_two_deliveries_on_one_connection)
{
    auto const endpoint = create_webhook("/ok");
    expect_clean_success(ping_and_wait(endpoint));
    expect_clean_success(ping_and_wait(endpoint));
    auto const log = receiver->log();
    ASSERT_EQ(log.size(), 2u) << json::serialize(log);
    EXPECT_EQ(connection_of(log[0]), connection_of(log[1])) << json::serialize(log);
}

TEST_F(webhook_keep_alive, a_receiver_that_answers_connection_close_gets_the_next_on_a_new_connection)
{
    auto const endpoint = create_webhook("/close");
    expect_clean_success(ping_and_wait(endpoint));
    expect_clean_success(ping_and_wait(endpoint));
    auto const log = receiver->log();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_NE(connection_of(log[0]), connection_of(log[1])) << json::serialize(log);
}

TEST_F(webhook_keep_alive, a_connection_the_receiver_closed_while_idle_is_neither_a_failure_nor_a_loss)
{
    auto const endpoint = create_webhook("/ok");
    expect_clean_success(ping_and_wait(endpoint));
    // The receiver closes the connection the sender keeps for the next delivery.
    auto const closed = send(receiver->port(), {"POST", "/__close-idle", "", {}});
    ASSERT_EQ(closed.status, 200);
    std::this_thread::sleep_for(200ms);
    expect_clean_success(ping_and_wait(endpoint));
    auto const log = receiver->log();
    ASSERT_EQ(log.size(), 2u) << json::serialize(log);
    EXPECT_NE(connection_of(log[0]), connection_of(log[1]));
}

// The receiver drops a kept connection just as the next request arrives on it (its keep-alive
// timeout racing the request): the delivery goes out again at once on a new connection, within
// the same attempt, and succeeds.
TEST_F(webhook_keep_alive, a_kept_connection_dropped_under_a_request_is_retried_on_a_new_one)
{
    auto const endpoint = create_webhook("/drop-reused");
    // The first on a new connection (not one kept from the tests before).
    ASSERT_EQ(send(receiver->port(), {"POST", "/__close-idle", "", {}}).status, 200);
    std::this_thread::sleep_for(200ms);
    expect_clean_success(ping_and_wait(endpoint));
    auto const second = ping_and_wait(endpoint);
    expect_clean_success(second);
    EXPECT_EQ(second.at("history").as_array().size(), 1u) << json::serialize(second);
    auto const log = receiver->log();
    ASSERT_EQ(log.size(), 3u) << "the first, the dropped one, and it again: " << json::serialize(log);
    EXPECT_EQ(connection_of(log[0]), connection_of(log[1]));
    EXPECT_NE(connection_of(log[1]), connection_of(log[2]));
    EXPECT_EQ(str(log[1], "webhook_id"), str(log[2], "webhook_id")) << "the same delivery, sent again";
}

} // namespace
