#include "server_process.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>
#include <stdexcept>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace linkledger::testing {
namespace {

std::vector<std::string> child_environment(environment const& env)
{
    // A clean environment, so a developer's own LINKLEDGER_* settings never leak into tests;
    // a variable the test sets replaces an inherited one (getenv reads the first of two).
    std::vector<std::string> out;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string const entry(*e);
        auto const name = entry.substr(0, entry.find('='));
        if (!entry.starts_with("LINKLEDGER_") && !env.contains(name))
            out.push_back(entry);
    }
    for (auto const& [name, value] : env)
        out.push_back(name + "=" + value);
    return out;
}

} // namespace

child_process::child_process(std::vector<std::string> const& args, environment const& env)
{
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    std::vector<std::string> argv_strings{LINKLEDGER_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    auto env_strings = child_environment(env);
    std::vector<char*> envp;
    for (auto& e : env_strings)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    int const rc = posix_spawn(&pid_, LINKLEDGER_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (rc != 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        throw std::runtime_error(std::string("cannot start linkledger: ") + std::strerror(rc));
    }
    out_reader_ = std::thread([this, fd = out_pipe[0]] { drain(fd, out_); });
    err_reader_ = std::thread([this, fd = err_pipe[0]] { drain(fd, err_); });
}

child_process::~child_process()
{
    if (running()) {
        send_signal(SIGKILL);
        wait();
    }
    if (out_reader_.joinable())
        out_reader_.join();
    if (err_reader_.joinable())
        err_reader_.join();
}

void child_process::drain(int fd, std::string& into)
{
    char buffer[4096];
    for (;;) {
        auto const n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        std::lock_guard lock(mutex_);
        into.append(buffer, static_cast<std::size_t>(n));
        changed_.notify_all();
    }
    ::close(fd);
}

bool child_process::running() const
{
    std::lock_guard lock(mutex_);
    return !exited_;
}

bool child_process::wait_for_log(std::string const& text, std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (err_.find(text) == std::string::npos) {
        if (changed_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() +
                                                             std::chrono::milliseconds(50))) ==
                std::cv_status::timeout &&
            std::chrono::steady_clock::now() >= deadline)
            return false;
        lock.unlock();
        int status = 0;
        bool const gone = !exited_ && ::waitpid(pid_, &status, WNOHANG) == pid_;
        lock.lock();
        if (gone) {
            exited_ = true;
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if (exited_)
            return err_.find(text) != std::string::npos;
    }
    return true;
}

std::string child_process::log() const
{
    std::lock_guard lock(mutex_);
    return err_;
}

std::string child_process::out() const
{
    std::lock_guard lock(mutex_);
    return out_;
}

void child_process::send_signal(int signal) const
{
    ::kill(pid_, signal);
}

int child_process::wait(std::chrono::milliseconds timeout)
{
    {
        std::lock_guard lock(mutex_);
        if (exited_)
            return exit_code_;
    }
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        auto const r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_)
            break;
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (out_reader_.joinable())
        out_reader_.join();
    if (err_reader_.joinable())
        err_reader_.join();
    std::lock_guard lock(mutex_);
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
}

std::string source_file(std::string const& relative)
{
    return std::string(LINKLEDGER_SOURCE_DIR) + "/" + relative;
}

command_result run_linkledger(std::vector<std::string> const& args, environment const& env)
{
    child_process child(args, env);
    command_result result;
    result.exit_code = child.wait(std::chrono::seconds(60));
    result.out = child.out();
    result.err = child.log();
    return result;
}

server_process::server_process(std::string const& database_url, environment extra_env,
                               std::string data_dir)
    : data_dir_(std::move(data_dir))
{
    if (data_dir_.empty()) {
        char pattern[] = "/tmp/linkledger-test-XXXXXX";
        if (::mkdtemp(pattern) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        data_dir_ = pattern;
        own_data_dir_ = true;
    }
    environment env{{"LINKLEDGER_DATABASE_URL", database_url},
                    {"LINKLEDGER_LISTEN", "127.0.0.1:0"},
                    {"LINKLEDGER_DATA_DIR", data_dir_},
                    {"LINKLEDGER_THREADS", "2"},
                    // Many servers share the test machine with the suites' own load, the case the
                    // README says to turn pinning off for; cpu_affinity_test turns it on.
                    {"LINKLEDGER_CPU_AFFINITY", "off"},
                    // Every suite talks from 127.0.0.1, far faster than any one real client:
                    // the rate limits are off unless a test (limits_test) sets them.
                    {"LINKLEDGER_RATE_LIMIT_LOGIN", "0"},
                    {"LINKLEDGER_RATE_LIMIT_POSTBACK", "0"},
                    {"LINKLEDGER_RATE_LIMIT_WEBHOOK", "0"},
                    {"LINKLEDGER_RATE_LIMIT_API", "0"}};
    for (auto& [name, value] : extra_env)
        env[name] = value;
    process_ = std::make_unique<child_process>(std::vector<std::string>{"serve"}, env);
    if (!process_->wait_for_log("listening on http://", std::chrono::seconds(60)))
        throw std::runtime_error("linkledger serve did not start; its log:\n" + process_->log());
    std::smatch m;
    auto const log = process_->log();
    if (!std::regex_search(log, m, std::regex(R"(listening on http://[^ ]*:(\d+))")))
        throw std::runtime_error("no port in the log:\n" + log);
    port_ = static_cast<unsigned short>(std::stoi(m[1]));
}

server_process::~server_process()
{
    if (process_ && process_->running()) {
        process_->send_signal(SIGTERM);
        process_->wait(std::chrono::seconds(20));
    }
    process_.reset();
    if (own_data_dir_) {
        std::error_code ec;
        std::filesystem::remove_all(data_dir_, ec);
    }
}

} // namespace linkledger::testing
