#include "money/unknown_columns.hpp"

#include <boost/json/object.hpp>

namespace linkledger::money {

boost::json::array report_unknown_columns(std::vector<std::string> const& names, boost::json::array& rows)
{
    boost::json::array unknown;
    for (auto const& name : names) {
        unknown.push_back(boost::json::string(name));
        rows.push_back({{"line", 1}, {"result", "error"}, {"field", name},
                        {"message", "unknown column '" + name + "': its cells are not imported"}});
    }
    return unknown;
}

} // namespace linkledger::money
