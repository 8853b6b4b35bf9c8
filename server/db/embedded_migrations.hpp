// The migrations/*.sql files, compiled into the binary (see cmake/embed_migrations.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace linkledger::db {

struct migration_source {
    std::string_view name; // file name, e.g. "0001_init.sql"
    std::string_view sql;
};

std::vector<migration_source> const& embedded_migrations();

} // namespace linkledger::db
