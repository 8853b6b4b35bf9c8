#include "clicks/node_id.hpp"

#include "crypto/random.hpp"

#include <fstream>
#include <stdexcept>

namespace linkledger::clicks {

std::string load_or_create_node_id(std::filesystem::path const& data_dir)
{
    std::filesystem::create_directories(data_dir);
    auto const path = data_dir / "node_id";
    if (std::ifstream in(path); in) {
        std::string id;
        std::getline(in, id);
        if (!id.empty())
            return id;
    }
    auto const id = "node-" + crypto::random_string(12, crypto::k_base62);
    auto const temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << id << '\n';
        if (!out)
            throw std::runtime_error("cannot write " + temporary);
    }
    std::filesystem::rename(temporary, path);
    return id;
}

} // namespace linkledger::clicks
