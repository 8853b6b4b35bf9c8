// data/bot-patterns.json, compiled into the binary (see cmake/embed_file.cmake).
#pragma once

#include <string_view>

namespace linkledger::clicks {

std::string_view embedded_bot_patterns();

} // namespace linkledger::clicks
