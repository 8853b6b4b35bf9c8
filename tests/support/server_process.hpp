// Runs the real linkledger binary as a child process: `serve` on a free port for HTTP tests,
// or a one-shot command whose exit code and output a test checks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace linkledger::testing {

using environment = std::map<std::string, std::string>;

struct command_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// A file of the source tree, by its path from the repository's root.
std::string source_file(std::string const& relative);

// Runs `linkledger args...` with `env` added to a minimal environment, waits for it.
command_result run_linkledger(std::vector<std::string> const& args, environment const& env);

class child_process {
public:
    child_process(std::vector<std::string> const& args, environment const& env);
    ~child_process();
    child_process(child_process const&) = delete;
    child_process& operator=(child_process const&) = delete;

    // Waits until stderr holds `text`; false on timeout or exit.
    bool wait_for_log(std::string const& text, std::chrono::milliseconds timeout);
    std::string log() const;
    std::string out() const;
    void send_signal(int signal) const;
    // Waits for exit and returns the exit code (128 + signal when killed).
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    bool running() const;
    pid_t pid() const { return pid_; }

private:
    void drain(int fd, std::string& into);

    pid_t pid_ = -1;
    int exit_code_ = -1;
    bool exited_ = false;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string out_;
    std::string err_;
    std::thread out_reader_;
    std::thread err_reader_;
};

// `linkledger serve` on 127.0.0.1 with an OS-chosen port, against `database_url`.
class server_process {
public:
    // `data_dir` empty: a fresh temporary one, removed afterwards; otherwise that directory,
    // kept (so a test can restart a server on the same journal).
    explicit server_process(std::string const& database_url, environment extra_env = {},
                            std::string data_dir = {});
    ~server_process();

    unsigned short port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    child_process& process() { return *process_; }
    std::string const& data_dir() const { return data_dir_; }

private:
    std::string data_dir_;
    bool own_data_dir_ = false;
    unsigned short port_ = 0;
    std::unique_ptr<child_process> process_;
};

} // namespace linkledger::testing
