// The one logger: lines to stderr (stdout stays for what a command prints, such as an API
// key), buffered and written out every 200 ms or at once for warnings and errors, so a
// request's log line costs a formatted append, not a write(2) and a thread wake-up.
#pragma once

#include <string>

namespace linkledger::logging {

// `format` is "text" (one readable line) or "json" (one JSON object per line).
void setup(std::string const& level, std::string const& format = "text");
// Writes out whatever is buffered; call before exiting.
void shutdown();

} // namespace linkledger::logging
