// Issue 18: with LINKLEDGER_CPU_AFFINITY=auto and as many HTTP I/O threads as usable cores, each
// I/O thread stays on a core of its own, and the other threads (shipper, webhooks, ...) keep
// every core; with fewer threads, or `off`, nothing is pinned.
#include "eventually.hpp"
#include "instance.hpp"

#include "http/cpu_affinity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace linkledger::testing;

namespace {

// Each thread of `pid` by name ("ll-io-1", "ll-shipper", ...; the main thread under the
// binary's name) with the cores it may run on, as /proc lists them ("0-1", "1").
std::multimap<std::string, std::string> thread_cores(pid_t pid)
{
    std::multimap<std::string, std::string> out;
    for (auto const& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream status(task.path() / "status");
        std::string line, name, cores;
        while (std::getline(status, line)) {
            if (line.starts_with("Name:"))
                name = line.substr(line.find_first_not_of(" \t", 5));
            if (line.starts_with("Cpus_allowed_list:"))
                cores = line.substr(line.find_first_not_of(" \t", 18));
        }
        out.emplace(task.path().filename() == std::to_string(pid) ? "main" : name, cores);
    }
    return out;
}

// The cores this test may use as /proc lists them: what a server it starts inherits.
std::string own_cores()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("Cpus_allowed_list:"))
            return line.substr(line.find_first_not_of(" \t", 18));
    return {};
}

std::string joined(std::vector<int> const& cores)
{
    std::string out;
    for (int core : cores) {
        if (!out.empty())
            out += ',';
        out += std::to_string(core);
    }
    return out;
}

} // namespace

TEST(cpu_affinity, each_io_thread_keeps_a_core_of_its_own_and_the_rest_keep_every_core)
{
    auto const usable = linkledger::http::usable_cores();
    if (usable.size() < 2)
        GTEST_SKIP() << "one usable core: nothing to pin";
    auto const all = own_cores();
    instance ll("affinity", {{"LINKLEDGER_CPU_AFFINITY", "auto"}, {"LINKLEDGER_THREADS", std::to_string(usable.size())}});
    std::string const said = "io_cores=" + joined(usable);
    EXPECT_NE(ll.server().process().log().find(said), std::string::npos) << ll.server().process().log();

    // The I/O threads take their cores as they start running, just after the log line.
    std::multimap<std::string, std::string> threads;
    std::set<std::string> io_cores;
    bool const pinned = eventually([&] {
        threads = thread_cores(ll.server().process().pid());
        io_cores.clear();
        io_cores.insert(threads.find("main")->second); // runs the first context
        for (std::size_t i = 1; i < usable.size(); ++i)
            if (auto const it = threads.find("ll-io-" + std::to_string(i)); it != threads.end())
                io_cores.insert(it->second);
        return io_cores.size() == usable.size() &&
               std::all_of(io_cores.begin(), io_cores.end(),
                           [](std::string const& c) { return c.find_first_of(",-") == std::string::npos; });
    });
    EXPECT_TRUE(pinned) << "one core each, all different; read: " << [&] {
        std::string seen;
        for (auto const& c : io_cores)
            seen += c + " ";
        return seen;
    }();
    // Every other thread (shipper, journal sync, webhooks, database pool: by whatever name it has
    // given itself yet, a thread names itself once it runs) keeps every core.
    std::size_t others = 0;
    for (auto const& [name, cores] : threads) {
        if (name == "main" || name.starts_with("ll-io-"))
            continue;
        ++others;
        EXPECT_EQ(cores, all) << name;
    }
    EXPECT_GE(others, 3u);
    EXPECT_EQ(send(ll.port(), {"GET", "/healthz", "", {}}).status, 200);
}

TEST(cpu_affinity, fewer_threads_than_cores_or_off_pin_nothing)
{
    auto const usable = linkledger::http::usable_cores();
    if (usable.size() < 2)
        GTEST_SKIP() << "one usable core: nothing to pin";
    auto const all = own_cores();
    for (auto const& env : {environment{{"LINKLEDGER_CPU_AFFINITY", "auto"}, {"LINKLEDGER_THREADS", "1"}},
                            environment{{"LINKLEDGER_CPU_AFFINITY", "off"},
                                        {"LINKLEDGER_THREADS", std::to_string(usable.size())}}}) {
        instance ll("affinity_off", env);
        EXPECT_NE(ll.server().process().log().find("io_cores=any"), std::string::npos);
        for (auto const& [name, cores] : thread_cores(ll.server().process().pid()))
            EXPECT_EQ(cores, all) << name;
    }
}
