// Turns what a request presents (bearer API key or session cookie) into who is calling.
#pragma once

#include "http/router.hpp"

#include <pqxx/connection>

#include <optional>

namespace linkledger::auth {

std::optional<http::principal> authenticate(pqxx::connection& conn, http::credentials const& presented);

} // namespace linkledger::auth
