#include "db/pg_array.hpp"

namespace linkledger::db {

std::string to_pg_array(std::vector<std::string> const& elements)
{
    std::string out = "{";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0)
            out.push_back(',');
        out.push_back('"');
        for (char c : elements[i]) {
            if (c == '"' || c == '\\')
                out.push_back('\\');
            out.push_back(c);
        }
        out.push_back('"');
    }
    out.push_back('}');
    return out;
}

} // namespace linkledger::db
