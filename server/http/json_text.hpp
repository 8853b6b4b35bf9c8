// JSON as every answer writes it: Boost.JSON's own serializer, except for numbers that are not
// whole, which it writes in exponent form ("1.25E-1", "1E0"). Rates, shares and seconds read as
// people and most clients expect them, "0.125" and "1.0": always a plain decimal.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace linkledger::http {

std::string json_text(boost::json::value const& value);

// One double the same way: the shortest plain decimal that reads back as the same double
// ("0.125", "1.0", "0.0001"), or "null" for what JSON cannot hold (NaN, infinities).
std::string json_decimal(double value);

} // namespace linkledger::http
