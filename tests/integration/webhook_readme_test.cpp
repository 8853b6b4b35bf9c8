// Events out (issue 16): the README's verification examples, run as the README has them. Its
// Node block (node:http and npm standardwebhooks) and its Python block (standard library) are
// copied out of README.md by tests/webhooks/readme_examples.py; the Node one runs as it is, the
// Python `verify` inside a small stdlib server (tests/webhooks/readme_python_receiver.py) that
// answers 204 when it returns True. Each gets a real signed delivery from the real server, then
// forged, tampered and stale requests, which must be refused.
#include "instance.hpp"
#include "webhook_receiver.hpp"

#include "events/webhook_signer.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace linkledger::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::string const k_source_dir = LINKLEDGER_WEBHOOK_RECEIVER_DIR "/../..";
std::string const k_webhooks_dir = LINKLEDGER_WEBHOOK_RECEIVER_DIR;

std::string str(json::value const& v, std::string_view name)
{
    return std::string(v.as_object().at(name).as_string());
}

std::string read_file(std::filesystem::path const& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A child process with extra environment variables, its output in a file; killed at the end.
class example_process {
public:
    example_process(std::vector<std::string> argv, std::map<std::string, std::string> const& env,
                    std::filesystem::path output)
        : output_(std::move(output))
    {
        std::vector<std::string> environment;
        for (char** e = environ; *e; ++e) {
            std::string_view const entry(*e);
            if (!env.contains(std::string(entry.substr(0, entry.find('=')))))
                environment.emplace_back(entry);
        }
        for (auto const& [name, value] : env)
            environment.push_back(name + "=" + value);
        std::vector<char*> args, envp;
        for (auto& a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        for (auto& e : environment)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        int const rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0)
            throw std::runtime_error("cannot start " + argv[0]);
    }
    ~example_process()
    {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    example_process(example_process const&) = delete;
    example_process& operator=(example_process const&) = delete;

    std::string output() const { return read_file(output_); }

private:
    pid_t pid_ = -1;
    std::filesystem::path output_;
};

// The port an example says it took ("listening <port>", its first line), or 0 after 20 s.
unsigned short reported_port(example_process const& example)
{
    for (auto const until = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < until;) {
        auto const out = example.output();
        if (out.starts_with("listening ") && out.find('\n') != std::string::npos)
            return static_cast<unsigned short>(std::stoi(out.substr(10)));
        std::this_thread::sleep_for(50ms);
    }
    return 0;
}

// The delivery of a ping to `endpoint`, once it is no longer pending.
json::object deliver_ping(instance const& ll, std::string const& endpoint)
{
    auto const sent = ll.api("POST", "/api/v1/webhooks/" + endpoint + "/test");
    if (sent.status != 202)
        throw std::runtime_error("ping not accepted: " + sent.body);
    json::object delivery;
    for (auto const until = std::chrono::steady_clock::now() + 15s; std::chrono::steady_clock::now() < until;) {
        auto const items = ll.api("GET", "/api/v1/webhooks/" + endpoint + "/deliveries").json();
        auto const& list = items.as_object().at("deliveries").as_array();
        if (!list.empty()) {
            delivery = list.at(0).as_object();
            if (str(delivery, "status") != "pending")
                break;
        }
        std::this_thread::sleep_for(50ms);
    }
    return delivery;
}

// A request as the sender would make it, signed with `secret` at `timestamp`, carrying `body`.
http_request signed_request(std::string const& secret, std::int64_t timestamp, std::string const& signed_body,
                            std::string const& body)
{
    std::string const id = "msg_readme_test";
    return {"POST",
            "/hook",
            body,
            {{"content-type", "application/json"},
             {"webhook-id", id},
             {"webhook-timestamp", std::to_string(timestamp)},
             {"webhook-signature", linkledger::events::signature_header({secret}, id, timestamp, signed_body)}}};
}

// Refused: signed with another secret, a body changed after signing, and a replay 10 minutes
// old. Accepted: the same request signed properly now (so the refusals are the example's).
void expect_forgeries_refused(unsigned short port, std::string const& secret, std::string const& label)
{
    std::string const body = R"({"type":"ping","timestamp":"2026-12-02T08:00:00.000Z","data":{}})";
    std::string const other = "whsec_" + std::string(43, 'A') + "=";
    auto const now = static_cast<std::int64_t>(std::time(nullptr));
    EXPECT_EQ(send(port, signed_request(secret, now, body, body)).status, 204) << label << ": a proper request";
    EXPECT_EQ(send(port, signed_request(other, now, body, body)).status, 400) << label << ": another secret";
    auto tampered = body;
    tampered.replace(tampered.find("ping"), 4, "sale");
    EXPECT_EQ(send(port, signed_request(secret, now, body, tampered)).status, 400) << label << ": a tampered body";
    EXPECT_EQ(send(port, signed_request(secret, now - 600, body, body)).status, 400) << label << ": a stale replay";
    EXPECT_EQ(send(port, signed_request(secret, now + 600, body, body)).status, 400) << label << ": from the future";
}

json::object create_webhook(instance const& ll, std::string const& url)
{
    auto const reply = ll.api("POST", "/api/v1/webhooks", json::serialize(json::object{{"url", url}}));
    if (reply.status != 201)
        throw std::runtime_error("webhook not created: " + reply.body);
    return reply.json().as_object();
}

TEST(webhook_readme, the_node_and_python_examples_accept_real_deliveries_and_refuse_forged_and_stale_ones)
{
    install_receiver_packages();
    std::string pattern = (std::filesystem::temp_directory_path() / "linkledger-readme-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    std::filesystem::path const dir = pattern;
    struct cleanup {
        std::filesystem::path dir;
        ~cleanup() { std::filesystem::remove_all(dir); }
    } const remove_dir{dir};
    ASSERT_EQ(std::system(("python3 '" + k_webhooks_dir + "/readme_examples.py' '" + k_source_dir + "/README.md' '" +
                           dir.string() + "'")
                              .c_str()),
              0);
    // The Node example imports standardwebhooks: from the receiver's installed packages.
    std::filesystem::create_directory_symlink(k_webhooks_dir + "/node_modules", dir / "node_modules");

    instance ll("webhook_readme", {{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"}, {"LINKLEDGER_WEBHOOK_RETRY_SCHEDULE", "600"}});

    // Each example takes a free port (PORT=0 for Node) and says which one it took; its endpoint,
    // made first for its secret, is then pointed there. (A port picked by the test beforehand
    // could be taken by another test's server in between: ctest runs two tests at once.)
    auto const point_at = [&](json::object const& hook, unsigned short port) {
        return ll.api("PATCH", "/api/v1/webhooks/" + std::to_string(hook.at("id").as_int64()),
                      json::serialize(json::object{{"url", "http://127.0.0.1:" + std::to_string(port) + "/hook"}}));
    };
    // Node: the example listens on PORT; report_port.cjs prints the port it got.
    auto const node_hook = create_webhook(ll, "http://127.0.0.1:9/hook");
    auto const node_secret = str(node_hook, "secret");
    example_process node({"node", "--require", k_webhooks_dir + "/report_port.cjs", (dir / "verify.mjs").string()},
                         {{"LINKLEDGER_WEBHOOK_SECRET", node_secret}, {"PORT", "0"}}, dir / "node.out");
    auto const node_port = reported_port(node);
    ASSERT_NE(node_port, 0) << node.output();
    auto const node_patched = point_at(node_hook, node_port);
    ASSERT_EQ(node_patched.status, 200) << node_patched.body;

    // Python: its server says which port it took.
    auto const python_hook = create_webhook(ll, "http://127.0.0.1:9/hook");
    auto const python_secret = str(python_hook, "secret");
    example_process python({"python3", k_webhooks_dir + "/readme_python_receiver.py", (dir / "verify.py").string()},
                           {{"LINKLEDGER_WEBHOOK_SECRET", python_secret}}, dir / "python.out");
    auto const python_port = reported_port(python);
    ASSERT_NE(python_port, 0) << python.output();
    auto const python_id = std::to_string(python_hook.at("id").as_int64());
    auto const patched = point_at(python_hook, python_port);
    ASSERT_EQ(patched.status, 200) << patched.body;

    // Real deliveries, signed by the server: accepted (204) by both.
    auto const to_node = deliver_ping(ll, std::to_string(node_hook.at("id").as_int64()));
    EXPECT_EQ(str(to_node, "status"), "succeeded") << json::serialize(to_node) << "\n" << node.output();
    EXPECT_EQ(to_node.at("response_code"), json::value(204)) << json::serialize(to_node);
    EXPECT_NE(node.output().find("ping {"), std::string::npos) << "the example logs the event: " << node.output();
    auto const to_python = deliver_ping(ll, python_id);
    EXPECT_EQ(str(to_python, "status"), "succeeded") << json::serialize(to_python) << "\n" << python.output();
    EXPECT_EQ(to_python.at("response_code"), json::value(204))
        << "verify() did not return True: " << json::serialize(to_python);

    expect_forgeries_refused(node_port, node_secret, "Node");
    expect_forgeries_refused(python_port, python_secret, "Python");
}

} // namespace
