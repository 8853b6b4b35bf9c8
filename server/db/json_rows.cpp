#include "db/json_rows.hpp"

#include <boost/json/parse.hpp>
#include <pqxx/field>

namespace linkledger::db {
namespace {

// PostgreSQL type OIDs (pg_type.dat); stable across versions.
constexpr pqxx::oid k_bool = 16, k_int8 = 20, k_int2 = 21, k_int4 = 23, k_json = 114, k_float8 = 701,
                    k_numeric = 1700;

} // namespace

boost::json::object row_to_json(pqxx::row const& row)
{
    boost::json::object out;
    for (auto const& field : row) {
        auto const name = field.name();
        if (field.is_null()) {
            out[name] = nullptr;
            continue;
        }
        switch (field.type()) {
        case k_bool: out[name] = field.as<bool>(); break;
        case k_int2:
        case k_int4:
        case k_int8: out[name] = field.as<std::int64_t>(); break;
        case k_float8:
        case k_numeric: out[name] = field.as<double>(); break;
        case k_json: out[name] = boost::json::parse(field.c_str()); break;
        default: out[name] = field.c_str(); break;
        }
    }
    return out;
}

boost::json::array rows_to_json(pqxx::result const& result)
{
    boost::json::array out;
    out.reserve(result.size());
    for (auto const& row : result)
        out.push_back(row_to_json(row));
    return out;
}

} // namespace linkledger::db
