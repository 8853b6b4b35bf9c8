// Constraint violations PostgreSQL reports, turned into the client's 4xx naming the field.
#pragma once

#include "http/http_error.hpp"

#include <pqxx/except>
#include <pqxx/transaction_base>

#include <optional>
#include <string>

namespace linkledger::db {

// Rethrows a foreign-key or check violation as http_error 400 naming the column
// ("no such video_id"), a unique violation as 409; anything else as it was.
[[noreturn]] void rethrow_as_client_error(pqxx::sql_error const& e);

// Runs `work`, mapping constraint violations as above.
template <class Work>
auto mapping_constraint_errors(Work&& work) -> decltype(work())
{
    try {
        return work();
    } catch (pqxx::integrity_constraint_violation const& e) {
        rethrow_as_client_error(e);
    }
}

// Only unknown references (an offer_id or video_id that does not exist) become 400s; a unique
// violation is left for the caller (who may retry with another random slug).
template <class Work>
auto mapping_foreign_key_errors(Work&& work) -> decltype(work())
{
    try {
        return work();
    } catch (pqxx::foreign_key_violation const& e) {
        rethrow_as_client_error(e);
    }
}

// Runs `work`; a date or time PostgreSQL cannot read (2026-02-30) becomes a 400 naming `field`.
[[noreturn]] void throw_bad_time(char const* field);
template <class Work>
auto mapping_bad_time(char const* field, Work&& work) -> decltype(work())
{
    try {
        return work();
    } catch (pqxx::data_exception const&) {
        throw_bad_time(field);
    }
}

// What the router answers for a database failure that reached it (router::set_failure_mapper):
// unreachable (a broken connection) is 503 and says so; another SQL error is logged with its
// SQLSTATE and first line only (the DETAIL may quote a secret) and is a 500. Nothing for an
// exception that is not the database's.
std::optional<http::http_error> http_error_of(http::request const& req, std::exception const& failure);

// Has PostgreSQL read one time given as text: several times checked in one statement could
// only be blamed on one of them.
void check_time(pqxx::transaction_base& tx, char const* field, std::optional<std::string> const& value);

} // namespace linkledger::db
