// Each Linkledger process journals into its own data directory; its node id, kept there,
// names its checkpoint so several instances can share one database without mixing them up.
#pragma once

#include <filesystem>
#include <string>

namespace linkledger::clicks {

// Reads DATA_DIR/node_id, creating it with a random id on first use.
std::string load_or_create_node_id(std::filesystem::path const& data_dir);

} // namespace linkledger::clicks
