#include "db/time_zones.hpp"

#include <mutex>
#include <set>

namespace linkledger::db {
namespace {

constexpr char const* k_known_zone_sql = "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)";

std::mutex known_mutex;
// Only names PostgreSQL confirmed: a few hundred at most, whatever clients send.
std::set<std::string, std::less<>> known_names;

bool name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '+';
}

} // namespace

bool plausible_zone_name(std::string_view name)
{
    if (name.empty() || name.size() > k_max_zone_name)
        return false;
    bool part_start = true;
    for (char const c : name) {
        if (c == '/') {
            if (part_start)
                return false; // a leading '/' or an empty part
            part_start = true;
            continue;
        }
        if (!name_char(c))
            return false;
        part_start = false;
    }
    return !part_start;
}

bool known_zone(pqxx::transaction_base& tx, std::string const& name)
{
    if (!plausible_zone_name(name))
        return false;
    {
        std::lock_guard lock(known_mutex);
        if (known_names.count(name))
            return true;
    }
    if (!tx.exec_params1(k_known_zone_sql, name)[0].as<bool>())
        return false;
    std::lock_guard lock(known_mutex);
    known_names.insert(name);
    return true;
}

} // namespace linkledger::db
