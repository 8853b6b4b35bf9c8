#include "db/sql_errors.hpp"

#include "http/http_error.hpp"
#include "logging/logging.hpp"

#include <string>

namespace linkledger::db {
namespace {

// "Key (video_id)=(42) is not present in table ..." → "video_id"
std::string key_column(std::string const& message)
{
    auto const open = message.find("Key (");
    if (open == std::string::npos)
        return {};
    auto const close = message.find(')', open);
    if (close == std::string::npos)
        return {};
    auto column = message.substr(open + 5, close - open - 5);
    // lower(code) for an expression index
    if (auto const paren = column.find('('); paren != std::string::npos)
        column = column.substr(paren + 1);
    return column;
}

} // namespace

void rethrow_as_client_error(pqxx::sql_error const& e)
{
    auto const column = key_column(e.what());
    if (e.sqlstate() == "23503")
        throw http::bad_field(column, "no such " + column, "not_found");
    if (e.sqlstate() == "23505")
        throw http::http_error(http::status::conflict, "already_exists",
                               column.empty() ? "already exists" : column + " is already in use", column);
    if (e.sqlstate() == "23514")
        throw http::bad_field("body", "a value is out of range", "invalid_field");
    throw; // called from a handler: the original exception, unsliced
}

void throw_bad_time(char const* field)
{
    throw http::bad_field(field, std::string(field) + " is not a valid date or time");
}

void check_time(pqxx::transaction_base& tx, char const* field, std::optional<std::string> const& value)
{
    if (value)
        mapping_bad_time(field, [&] { return tx.exec_params1("SELECT $1::timestamptz", *value); });
}

std::optional<http::http_error> http_error_of(http::request const& req, std::exception const& failure)
{
    auto const first_line = [](char const* message) {
        std::string_view text(message);
        return text.substr(0, text.find('\n'));
    };
    if (auto const* broken = dynamic_cast<pqxx::broken_connection const*>(&failure)) {
        logging::error("database unreachable while serving {method}: {error}",
                       {{"method", std::string_view(req.method_string().data(), req.method_string().size())},
                        {"error", first_line(broken->what())}});
        return http::http_error(http::status::service_unavailable, "database_unavailable",
                                "the database is unreachable; try again shortly");
    }
    if (auto const* sql = dynamic_cast<pqxx::sql_error const*>(&failure)) {
        // lock_not_available, query_canceled: the pool's bounds (database.hpp) were reached.
        if (sql->sqlstate() == "55P03" || sql->sqlstate() == "57014") {
            logging::warn("database busy while serving {method}: sqlstate={sqlstate} {error}",
                          {{"method", std::string_view(req.method_string().data(), req.method_string().size())},
                           {"sqlstate", sql->sqlstate()},
                           {"error", first_line(sql->what())}});
            return http::http_error(http::status::service_unavailable, "database_busy",
                                    "the database is busy (a lock or a long query); try again shortly");
        }
        logging::error("internal error serving {method}: sqlstate={sqlstate} {error}",
                       {{"method", std::string_view(req.method_string().data(), req.method_string().size())},
                        {"sqlstate", sql->sqlstate()},
                        {"error", first_line(sql->what())}});
        return http::http_error(http::status::internal_server_error, "internal_error",
                                "an internal error occurred; it has been logged");
    }
    return std::nullopt;
}

} // namespace linkledger::db
