// Events out (issue 16): receivers that misbehave, and HTTPS. The real server, real receivers
// on loopback (tests/webhooks/receiver.mjs); certificates from test CAs made here with the
// openssl command, trusted through SSL_CERT_FILE (OpenSSL's default verify paths read it).
#include "instance.hpp"
#include "webhook_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace linkledger::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

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

std::string create_webhook(instance const& ll, std::string const& url)
{
    auto const reply = ll.api("POST", "/api/v1/webhooks", json::serialize(json::object{{"url", url}}));
    if (reply.status != 201)
        throw std::runtime_error("webhook not created: " + reply.body);
    return std::to_string(reply.json().as_object().at("id").as_int64());
}

json::array deliveries(instance const& ll, std::string const& endpoint)
{
    auto const reply = ll.api("GET", "/api/v1/webhooks/" + endpoint + "/deliveries");
    if (reply.status != 200)
        throw std::runtime_error("deliveries: " + reply.body);
    return reply.json().as_object().at("deliveries").as_array();
}

// Arrival times (ms) of the receiver's requests for `path`, in order.
std::vector<double> arrivals(json::array const& log, std::string const& path)
{
    std::vector<double> out;
    for (auto const& e : log)
        if (e.as_object().at("path").as_string() == path)
            out.push_back(e.as_object().at("at").to_number<double>());
    std::sort(out.begin(), out.end());
    return out;
}

double metric(unsigned short port, std::string const& sample)
{
    auto const body = send(port, {"GET", "/metrics", "", {}}).body;
    auto const at = body.find("\n" + sample + " ");
    if (at == std::string::npos)
        return -1;
    return std::stod(body.substr(at + sample.size() + 2));
}

constexpr int k_timeout_ms = 3000;

// Four receivers that hold a connection (hang, answer after the timeout, trickle a body,
// never end a body) and one that floods get three events each; meanwhile a healthy one gets
// twenty. Each bad one holds one slot at a time, each time for one timeout at most.
TEST(webhook_receivers, that_misbehave_hold_one_slot_for_one_timeout_and_fail_with_the_reason)
{
    webhook_receiver receiver;
    instance ll("webhook_receivers", {{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"},
                                      {"LINKLEDGER_WEBHOOK_RETRY_SCHEDULE", "600"},
                                      {"LINKLEDGER_WEBHOOK_TIMEOUT_MS", std::to_string(k_timeout_ms)}});
    std::vector<std::string> const holding{"/hang", "/slow/20000", "/trickle", "/never-close"};
    std::map<std::string, std::string> endpoint;
    for (auto const& path : holding)
        endpoint[path] = create_webhook(ll, receiver.url(path));
    endpoint["/huge"] = create_webhook(ll, receiver.url("/huge"));
    auto const healthy = create_webhook(ll, receiver.url("/ok"));

    for (int round = 0; round < 3; ++round)
        for (auto const& [path, id] : endpoint)
            ASSERT_EQ(ll.api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);
    // The bad ones' first attempts are under way (or about to be): the healthy one still gets
    // its twenty, all before those attempts can have ended.
    ASSERT_TRUE(within(5s, [&] { return arrivals(receiver.log(), "/hang").size() == 1; }));
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(ll.api("POST", "/api/v1/webhooks/" + healthy + "/test").status, 202);
    ASSERT_TRUE(within(10s, [&] { return arrivals(receiver.log(), "/ok").size() == 20; }));
    auto log = receiver.log();
    auto const ok = arrivals(log, "/ok");
    for (auto const& path : holding) {
        auto const first = arrivals(log, path);
        ASSERT_FALSE(first.empty()) << path << " got nothing while /ok got its twenty";
        EXPECT_LT(ok.back(), first.front() + k_timeout_ms)
            << "the healthy endpoint waited for " << path << "'s timeout";
    }

    // Three events each, one after the other: a bad receiver never has two at once.
    ASSERT_TRUE(within(std::chrono::milliseconds(5 * k_timeout_ms), [&] {
        auto const l = receiver.log();
        return std::all_of(holding.begin(), holding.end(), [&](auto const& p) { return arrivals(l, p).size() == 3; });
    }));
    log = receiver.log();
    for (auto const& path : holding) {
        auto const at = arrivals(log, path);
        for (std::size_t i = 1; i < at.size(); ++i)
            EXPECT_GE(at[i] - at[i - 1], 0.9 * k_timeout_ms) << path << ": two attempts at once";
    }

    // Each attempt failed by the deadline, with the reason; 1 KB of an answer kept at most.
    ASSERT_TRUE(within(std::chrono::milliseconds(2 * k_timeout_ms), [&] {
        for (auto const& [path, id] : endpoint)
            for (auto const& d : deliveries(ll, id))
                if (d.as_object().at("error").is_null())
                    return false;
        return true;
    }));
    for (auto const& [path, id] : endpoint) {
        auto const items = deliveries(ll, id);
        ASSERT_EQ(items.size(), 3u) << path;
        for (auto const& d : items) {
            auto const& o = d.as_object();
            auto const error = str(o, "error");
            EXPECT_EQ(str(o, "status"), "pending") << path << ": failed, waiting for its retry";
            EXPECT_EQ(o.at("attempts").as_int64(), 1) << path;
            EXPECT_LE(o.at("latency_ms").as_int64(), k_timeout_ms + 500) << path;
            EXPECT_LE(o.at("response_body").is_string() ? o.at("response_body").as_string().size() : 0u, 1024u);
            if (path == "/huge") {
                EXPECT_NE(error.find("64 KB"), std::string::npos) << error;
                EXPECT_EQ(o.at("response_code").as_int64(), 200);
                EXPECT_EQ(o.at("response_body").as_string().size(), 1024u) << "the first 1 KB is kept";
            } else {
                EXPECT_NE(error.find("timeout"), std::string::npos) << path << ": " << error;
                EXPECT_GE(o.at("latency_ms").as_int64(), k_timeout_ms - 100) << path;
            }
            if (path == "/never-close") {
                EXPECT_EQ(str(o, "response_body"), "still going");
            }
            auto const& history = o.at("history").as_array();
            ASSERT_EQ(history.size(), 1u);
            EXPECT_EQ(str(history[0], "error"), error);
        }
    }
    for (auto const& d : deliveries(ll, healthy))
        EXPECT_EQ(str(d, "status"), "succeeded");

    // Metrics: outcomes, the queue (the fifteen failed deliveries wait for their retry), its age.
    // The sender counts the attempts once their commit is done, so the delivery log read above
    // can show the last ones a moment before the counters do: wait for the counters, then check.
    auto const success = [&] { return metric(ll.port(), R"(linkledger_webhook_attempts_total{outcome="success"})"); };
    auto const network_error = [&] { return metric(ll.port(), R"(linkledger_webhook_attempts_total{outcome="network_error"})"); };
    within(5s, [&] { return success() == 20 && network_error() == 15; });
    EXPECT_EQ(success(), 20);
    EXPECT_EQ(network_error(), 15);
    ASSERT_TRUE(within(5s, [&] { return metric(ll.port(), "linkledger_webhook_queue_depth") == 15; }));
    EXPECT_GT(metric(ll.port(), "linkledger_webhook_oldest_pending_seconds"), 1.0);
    EXPECT_EQ(metric(ll.port(), "linkledger_webhook_in_flight"), 0);
}

// A test PKI in a scratch directory: two CAs (one trusted by the server, one not) and leaf
// certificates signed by them.
class test_pki {
public:
    test_pki()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "linkledger-tls-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        ca("trusted");
        ca("untrusted");
    }
    ~test_pki() { std::filesystem::remove_all(dir_); }

    std::string path(std::string const& name) const { return (dir_ / name).string(); }

    // A leaf certificate for `dns_name`, signed by `ca_name`.
    tls_files leaf(std::string const& name, std::string const& ca_name, std::string const& dns_name) const
    {
        std::ofstream(path(name + ".ext")) << "subjectAltName=DNS:" << dns_name
                                           << "\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n";
        run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + path(name + ".key") +
            " -out " + path(name + ".csr") + " -subj /CN=" + dns_name);
        run("openssl x509 -req -in " + path(name + ".csr") + " -CA " + path(ca_name + ".pem") + " -CAkey " +
            path(ca_name + ".key") + " -CAcreateserial -days 2 -out " + path(name + ".pem") + " -extfile " +
            path(name + ".ext"));
        return {path(name + ".pem"), path(name + ".key")};
    }

private:
    void ca(std::string const& name) const
    {
        run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
            path(name + ".key") + " -out " + path(name + ".pem") + " -days 2 -subj '/CN=Linkledger test CA " + name +
            "'");
    }
    static void run(std::string const& command)
    {
        if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
            throw std::runtime_error("failed: " + command);
    }
    std::filesystem::path dir_;
};

std::string first_error(instance const& ll, std::string const& endpoint)
{
    std::string error;
    within(15s, [&] {
        auto const items = deliveries(ll, endpoint);
        if (items.empty() || items[0].as_object().at("error").is_null())
            return false;
        error = str(items[0], "error");
        return true;
    });
    return error;
}

// Delivered when the receiver's CA is trusted and the name matches (with SNI); refused, and
// the delivery log says why, with a CA that is not trusted or a certificate for another name.
TEST(webhook_receivers, https_verifies_the_certificate_and_the_host_name)
{
    test_pki pki;
    webhook_receiver good(pki.leaf("good", "trusted", "localhost"));
    webhook_receiver stranger(pki.leaf("stranger", "untrusted", "localhost"));
    webhook_receiver misnamed(pki.leaf("misnamed", "trusted", "other.example"));
    instance ll("webhook_https", {{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"},
                                  {"LINKLEDGER_WEBHOOK_RETRY_SCHEDULE", "600"},
                                  {"SSL_CERT_FILE", pki.path("trusted.pem")}});

    auto const reply = ll.api("POST", "/api/v1/webhooks", json::serialize(json::object{{"url", good.url("/ok")}}));
    ASSERT_EQ(reply.status, 201) << reply.body;
    good.set_secrets({str(reply.json(), "secret")});
    auto const good_id = std::to_string(reply.json().as_object().at("id").as_int64());
    auto const stranger_id = create_webhook(ll, stranger.url("/ok"));
    auto const misnamed_id = create_webhook(ll, misnamed.url("/ok"));
    for (auto const& id : {good_id, stranger_id, misnamed_id})
        ASSERT_EQ(ll.api("POST", "/api/v1/webhooks/" + id + "/test").status, 202);

    auto const log = good.wait_for(1, 15s);
    ASSERT_EQ(log.size(), 1u) << json::serialize(deliveries(ll, good_id));
    EXPECT_TRUE(log[0].as_object().at("verified").as_array().at(0).as_bool()) << json::serialize(log[0]);
    EXPECT_EQ(str(log[0], "servername"), "localhost") << "SNI names the host";
    ASSERT_TRUE(within(10s, [&] { return str(deliveries(ll, good_id).at(0), "status") == "succeeded"; }));
    // The next delivery goes over the same TLS connection (kept alive, no new handshake).
    ASSERT_EQ(ll.api("POST", "/api/v1/webhooks/" + good_id + "/test").status, 202);
    auto const again = good.wait_for(2, 15s);
    ASSERT_EQ(again.size(), 2u);
    EXPECT_TRUE(again[1].as_object().at("verified").as_array().at(0).as_bool());
    EXPECT_EQ(again[0].as_object().at("connection").as_int64(), again[1].as_object().at("connection").as_int64());

    auto const untrusted = first_error(ll, stranger_id);
    EXPECT_NE(untrusted.find("certificate refused"), std::string::npos) << untrusted;
    EXPECT_NE(untrusted.find("issuer"), std::string::npos) << untrusted;
    auto const wrong_name = first_error(ll, misnamed_id);
    EXPECT_NE(wrong_name.find("hostname mismatch"), std::string::npos) << wrong_name;
    EXPECT_TRUE(stranger.log().empty()) << "nothing may be sent over an unverified connection";
    EXPECT_TRUE(misnamed.log().empty()) << "nothing may be sent over an unverified connection";
}

} // namespace
