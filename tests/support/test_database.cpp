#include "test_database.hpp"

#include <libpq-fe.h>
#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace linkledger::testing {
namespace {

std::string quote_conninfo(std::string const& value)
{
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    return out + "'";
}

} // namespace

std::string test_cluster_url()
{
    char const* url = std::getenv("LINKLEDGER_TEST_DATABASE_URL");
    if (url == nullptr || *url == '\0')
        throw std::runtime_error(
            "LINKLEDGER_TEST_DATABASE_URL is not set: run ./tests/run.sh, which starts a "
            "throw-away PostgreSQL, or point it at a server where databases may be created");
    return url;
}

std::string with_database(std::string const& url, std::string const& dbname)
{
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (options == nullptr) {
        std::string message = error ? error : "unparsable";
        PQfreemem(error);
        throw std::runtime_error("cannot parse database URL: " + message);
    }
    std::string out;
    for (auto* o = options; o->keyword != nullptr; ++o) {
        if (o->val == nullptr || std::string(o->keyword) == "dbname")
            continue;
        out += std::string(o->keyword) + "=" + quote_conninfo(o->val) + " ";
    }
    PQconninfoFree(options);
    return out + "dbname=" + quote_conninfo(dbname);
}

scratch_database::scratch_database(std::string const& label)
{
    static std::atomic<int> counter{0};
    name_ = "ll_test_" + label + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    auto const admin = with_database(test_cluster_url(), "postgres");
    pqxx::connection conn(admin);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_));
    tx.exec("CREATE DATABASE " + tx.quote_name(name_));
    url_ = with_database(test_cluster_url(), name_);
}

scratch_database::~scratch_database()
{
    try {
        pqxx::connection conn(with_database(test_cluster_url(), "postgres"));
        pqxx::nontransaction tx(conn);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
    } catch (std::exception const&) {
        // A leftover scratch database is harmless: the cluster itself is thrown away.
    }
}

std::string scratch_database::query_value(std::string const& sql) const
{
    return query_once(url_, sql);
}

std::string query_once(std::string const& url, std::string const& sql)
{
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    auto const rows = tx.exec(sql);
    if (rows.empty())
        return "";
    return rows[0][0].is_null() ? "NULL" : rows[0][0].as<std::string>();
}

std::string scratch_database::wait_for_value(std::string const& sql, std::string const& expected,
                                             std::chrono::milliseconds timeout) const
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    std::string value;
    for (;;) {
        value = query_value(sql);
        if (value == expected || std::chrono::steady_clock::now() >= deadline)
            return value;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void scratch_database::execute(std::string const& sql) const
{
    pqxx::connection conn(url_);
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
}

} // namespace linkledger::testing
