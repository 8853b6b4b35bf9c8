// Keeping each HTTP I/O thread on a core of its own (issue 18). Left to the scheduler, the
// I/O threads moved between the two cores of the bench machine and were preempted by the
// load generator and PostgreSQL on whichever core they landed: 59-62k redirects a second
// against 68-70k kept on one core each, in the same minutes (bench/RESULTS.md).
#pragma once

#include <cstddef>
#include <vector>

namespace linkledger::http {

// The cores this process may run on (its affinity mask: a container's cpuset included).
std::vector<int> usable_cores();

// The core for each of `threads` I/O threads, or none (empty) when they should be left to the
// scheduler: pinning only pays when every usable core gets exactly one I/O thread. With fewer
// threads than cores (LINKLEDGER_THREADS=1 on two cores), two instances on one machine would
// all crowd the first cores; with more, two threads would share a core for good.
std::vector<int> io_thread_cores(std::size_t threads, std::vector<int> const& usable);

// Keeps the calling thread on `core`; false when the system refuses (it then runs anywhere).
bool keep_this_thread_on(int core);

// The calling thread's affinity, to give back what keep_this_thread_on took.
class thread_affinity {
public:
    thread_affinity();
    void restore() const;

private:
    std::vector<int> cores_;
};

} // namespace linkledger::http
