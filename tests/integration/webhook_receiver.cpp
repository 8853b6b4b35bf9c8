#include "webhook_receiver.hpp"

#include "http_client.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace linkledger::testing {

namespace {
std::string const k_dir = LINKLEDGER_WEBHOOK_RECEIVER_DIR;
}

void install_receiver_packages()
{
    if (std::filesystem::exists(k_dir + "/node_modules/standardwebhooks/package.json"))
        return;
    // Two tests starting at once (ctest -j2) would both install, one emptying node_modules under
    // the other: one installs, under a lock, and the other finds it done.
    std::string const command = "cd '" + k_dir +
                                "' && flock . sh -c "
                                "'test -f node_modules/standardwebhooks/package.json || npm ci --no-audit --no-fund' "
                                ">/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
        throw std::runtime_error("npm ci failed in " + k_dir);
}

webhook_receiver::webhook_receiver(std::optional<tls_files> tls) : tls_(tls.has_value())
{
    install_receiver_packages();
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::string script = k_dir + "/receiver.mjs";
    std::string node = "node";
    std::string zero = "0";
    std::string tls_flag = "--tls";
    std::string cert = tls ? tls->cert : "";
    std::string key = tls ? tls->key : "";
    char* plain_argv[] = {node.data(), script.data(), zero.data(), nullptr};
    char* tls_argv[] = {node.data(), script.data(), zero.data(), tls_flag.data(), cert.data(), key.data(), nullptr};
    char** argv = tls ? tls_argv : plain_argv;
    int const rc = posix_spawnp(&pid_, "node", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
        ::close(out[0]);
        throw std::runtime_error("cannot start node");
    }
    std::string line;
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{out[0], POLLIN, 0};
        if (::poll(&p, 1, 200) > 0) {
            char buffer[256];
            auto const n = ::read(out[0], buffer, sizeof buffer);
            if (n <= 0)
                break;
            line.append(buffer, static_cast<std::size_t>(n));
        }
    }
    ::close(out[0]);
    if (!line.starts_with("listening "))
        throw std::runtime_error("the webhook receiver did not start: " + line);
    port_ = static_cast<unsigned short>(std::stoi(line.substr(10)));
    control_port_ = port_;
    if (auto const control = line.find(" control "); control != std::string::npos)
        control_port_ = static_cast<unsigned short>(std::stoi(line.substr(control + 9)));
}

webhook_receiver::~webhook_receiver()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

std::string webhook_receiver::url(std::string const& path, std::string const& host) const
{
    if (tls_)
        return "https://" + (host.empty() ? std::string("localhost") : host) + ":" + std::to_string(port_) + path;
    return "http://" + (host.empty() ? std::string("127.0.0.1") : host) + ":" + std::to_string(port_) + path;
}

void webhook_receiver::set_secrets(std::vector<std::string> const& secrets) const
{
    boost::json::array list;
    for (auto const& s : secrets)
        list.emplace_back(s);
    auto const reply = send(control_port_, {"PUT", "/__secrets", boost::json::serialize(list), {}});
    if (reply.status != 200)
        throw std::runtime_error("receiver refused the secrets");
}

boost::json::array webhook_receiver::log() const
{
    auto const reply = send(control_port_, {"GET", "/__log", "", {}});
    return boost::json::parse(reply.body).as_array();
}

void webhook_receiver::clear() const
{
    send(control_port_, {"DELETE", "/__log", "", {}});
}

boost::json::array webhook_receiver::wait_for(std::size_t count, std::chrono::milliseconds timeout) const
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        auto entries = log();
        if (entries.size() >= count || std::chrono::steady_clock::now() >= deadline)
            return entries;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

} // namespace linkledger::testing
