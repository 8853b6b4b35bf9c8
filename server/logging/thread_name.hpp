// Names the calling thread as top -H, ps -L, pidstat -t, perf and gdb show it, so an operator
// (and bench/RESULTS.md) can tell the I/O threads from the shipper. Linux keeps at most 15
// characters. Never called on the main thread: its name is the process's, which ps, pgrep
// and systemd show.
#pragma once

namespace linkledger::logging {

void name_this_thread(char const* name);

} // namespace linkledger::logging
