// PostgreSQL array literals, so a batch can be passed as one parameter per column and
// unnested in SQL (pqxx 6.4 has no array parameters).
#pragma once

#include <string>
#include <vector>

namespace linkledger::db {

// {"a","b\"c"}: every element quoted, quotes and backslashes escaped; cast it in SQL.
std::string to_pg_array(std::vector<std::string> const& elements);

} // namespace linkledger::db
