// The files under web/, compiled into the binary (see cmake/embed_web.cmake). Text only.
#pragma once

#include <string_view>
#include <vector>

namespace linkledger::web {

struct embedded_asset {
    std::string_view path; // relative to web/, e.g. "dashboard/app.js"
    std::string_view content;
};

std::vector<embedded_asset> const& embedded_assets();

// The asset at `path`, or an empty view when there is none.
std::string_view find_asset(std::string_view path);

} // namespace linkledger::web
