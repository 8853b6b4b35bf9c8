#include "web/embedded_assets.hpp"

namespace linkledger::web {

std::string_view find_asset(std::string_view path)
{
    for (auto const& asset : embedded_assets())
        if (asset.path == path)
            return asset.content;
    return {};
}

} // namespace linkledger::web
