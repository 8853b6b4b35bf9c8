#include "http/cpu_affinity.hpp"

#include <sched.h>

namespace linkledger::http {
namespace {

std::vector<int> cores_of(cpu_set_t const& set)
{
    std::vector<int> cores;
    for (int core = 0; core < CPU_SETSIZE; ++core)
        if (CPU_ISSET(core, &set))
            cores.push_back(core);
    return cores;
}

bool set_this_thread(std::vector<int> const& cores)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int core : cores)
        if (core >= 0 && core < CPU_SETSIZE)
            CPU_SET(core, &set);
    return !cores.empty() && sched_setaffinity(0, sizeof set, &set) == 0;
}

} // namespace

std::vector<int> usable_cores()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return {};
    return cores_of(set);
}

std::vector<int> io_thread_cores(std::size_t threads, std::vector<int> const& usable)
{
    if (threads < 2 || threads != usable.size())
        return {};
    return usable;
}

bool keep_this_thread_on(int core)
{
    return set_this_thread({core});
}

thread_affinity::thread_affinity() : cores_(usable_cores()) {}

void thread_affinity::restore() const
{
    set_this_thread(cores_);
}

} // namespace linkledger::http
