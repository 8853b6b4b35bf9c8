// The one logger: lines to stderr (stdout stays for what a command prints, such as an API
// key), buffered and written out every 200 ms or at once for warnings and errors, so a
// request's log line costs a formatted append, not a write(2) and a thread wake-up.
//
// An event is a fixed message and its fields as data (log_event.hpp), rendered once in the
// format chosen at setup: `logging::info("migration applied", {{"name", name}})` writes
// `migration applied name=0001_init.sql`, or in JSON `{"time":...,"level":"info","message":
// "migration applied name=0001_init.sql","name":"0001_init.sql"}`.
#pragma once

#include "logging/log_event.hpp"

#include <spdlog/common.h>

#include <string>

namespace linkledger::logging {

// `format` is "text" (one readable line) or "json" (one JSON object per line).
void setup(std::string const& level, std::string const& format = "text");
// Writes out whatever is buffered; call before exiting.
void shutdown();
// Writes out whatever is buffered now (a parent process may wait for a line).
void flush();

// True when events of `level` are written: lets a caller skip gathering costly fields.
bool enabled(spdlog::level::level_enum level);

void log(spdlog::level::level_enum level, message what, fields f = {});
inline void trace(message what, fields f = {}) { log(spdlog::level::trace, what, f); }
inline void debug(message what, fields f = {}) { log(spdlog::level::debug, what, f); }
inline void info(message what, fields f = {}) { log(spdlog::level::info, what, f); }
inline void warn(message what, fields f = {}) { log(spdlog::level::warn, what, f); }
inline void error(message what, fields f = {}) { log(spdlog::level::err, what, f); }
inline void critical(message what, fields f = {}) { log(spdlog::level::critical, what, f); }

} // namespace linkledger::logging
