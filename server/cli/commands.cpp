#include "cli/commands.hpp"

#include "audit/audit_log.hpp"
#include "auth/api_key.hpp"
#include "auth/password.hpp"
#include "db/migrator.hpp"
#include "logging/logging.hpp"
#include "users/user_store.hpp"

#include <pqxx/pqxx>

#include <iostream>

#include <pwd.h>
#include <unistd.h>

namespace linkledger::cli {
namespace {

// Who ran a command on the server, for the audit log: the operating-system account.
std::string command_line_actor()
{
    if (auto const* account = ::getpwuid(::geteuid()); account != nullptr && account->pw_name != nullptr)
        return account->pw_name;
    return "uid " + std::to_string(::geteuid());
}

// In the transaction of the change it records: both are kept, or neither.
void record_command(pqxx::transaction_base& tx, std::string action, std::int64_t target_id, std::string summary)
{
    audit::record(tx, {"cli", std::nullopt, command_line_actor(), std::move(action), target_id,
                       std::move(summary), ""});
}

} // namespace

int migrate_database(db::database& database)
{
    auto const report = database.run_blocking([](pqxx::connection& conn) {
        return db::migrate(conn, db::embedded_migrations());
    });
    for (auto const& name : report.applied)
        logging::info("migration applied", {{"name", name}});
    logging::info("database schema at version {version}", {{"version", report.schema_version}});
    return 0;
}

int create_api_key(config::config const& settings, std::string const& name)
{
    db::database database(settings.database_url, 1);
    migrate_database(database);
    auto const created = database.run_blocking([&name](pqxx::connection& conn) {
        pqxx::work tx(conn);
        auto made = auth::create_api_key(tx, name);
        record_command(tx, "api_key.create", made.id, "name=" + name.substr(0, 60));
        tx.commit();
        return made;
    });
    std::cout << "Created API key id=" << created.id << " name=" << name
              << ". It is shown only this once:\n"
              << created.key << std::endl;
    return 0;
}

int add_user(config::config const& settings, std::string const& email_text, std::string const& role)
{
    std::string problem;
    auto const email = users::normalized_email(email_text, problem);
    if (!email) {
        std::cerr << "linkledger: --email: " << problem << '\n';
        return 2;
    }
    // A password piped in is used as given; a terminal or an empty input means "make one".
    std::string password;
    if (!::isatty(STDIN_FILENO))
        std::getline(std::cin, password);
    bool const generated = password.empty();
    if (generated)
        password = auth::generate_password();
    else if (auto const why = auth::password_problem(password); !why.empty()) {
        std::cerr << "linkledger: password: " << why << '\n';
        return 2;
    }
    db::database database(settings.database_url, 1);
    migrate_database(database);
    auto const hash = auth::hash_password(password);
    try {
        auto const created = database.run_blocking([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto made = users::insert_user(tx, *email, role, hash);
            record_command(tx, "user.add", made.id, "email=" + made.email + " role=" + made.role);
            tx.commit();
            return made;
        });
        std::cout << "Created user id=" << created.id << " email=" << created.email
                  << " role=" << created.role << '.';
    } catch (pqxx::unique_violation const&) {
        std::cerr << "linkledger: --email: a user with this email already exists\n";
        return 1;
    }
    if (generated)
        std::cout << " Its password is shown only this once:\n" << password << std::endl;
    else
        std::cout << std::endl;
    return 0;
}

} // namespace linkledger::cli
