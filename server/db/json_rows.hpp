// Query results as JSON objects keyed by column name, so an API can return what its SQL
// selects without a struct per resource. Integers and booleans keep their types; NULL is null;
// everything else (text, timestamps formatted by the query) is a string.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <pqxx/result>
#include <pqxx/row>

namespace linkledger::db {

boost::json::object row_to_json(pqxx::row const& row);
boost::json::array rows_to_json(pqxx::result const& result);

} // namespace linkledger::db
