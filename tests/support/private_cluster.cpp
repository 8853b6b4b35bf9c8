#include "private_cluster.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace linkledger::testing {
namespace {

std::string script()
{
    return std::string(LINKLEDGER_SOURCE_DIR) + "/deploy/private-postgres.sh";
}

// Runs a shell command and returns its stdout; throws when it fails.
std::string run(std::string const& command)
{
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        throw std::runtime_error("cannot run " + command);
    std::array<char, 4096> buffer{};
    while (auto const n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        out.append(buffer.data(), n);
    int const status = ::pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(command + " failed: " + out);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

} // namespace

private_cluster::private_cluster()
{
    char pattern[] = "/tmp/ll-pg-XXXXXX";
    if (::mkdtemp(pattern) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    ::chmod(dir_.c_str(), 0755); // the postgres user runs the cluster when tests run as root
    start();
}

private_cluster::~private_cluster()
{
    try {
        run(script() + " stop " + dir_ + "/pg 2>&1");
    } catch (std::exception const&) {
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void private_cluster::start()
{
    url_ = run("PRIVATE_PG_FAST=1 " + script() + " start " + dir_ + "/pg linkledger 2>/dev/null");
}

void private_cluster::stop()
{
    run(script() + " stop " + dir_ + "/pg 2>&1");
}

} // namespace linkledger::testing
