#include "cli/command_line.hpp"

#include <sstream>

namespace linkledger::cli {
namespace {

std::string settings_help()
{
    std::ostringstream out;
    out << "Settings (environment variable, or the flag after the command):\n";
    for (auto const& s : config::settings())
        out << "  " << s.flag << ' ' << s.value_name << "  (" << s.env << ")\n      " << s.help
            << "; default: " << s.default_text << '\n';
    return out.str();
}

} // namespace

std::string help_text(command what)
{
    switch (what) {
    case command::serve:
        return "Usage: linkledger serve [settings]\n\n"
               "Migrates the database (under an advisory lock), then serves the API, the\n"
               "redirects and the health checks until SIGTERM or SIGINT.\n\n" +
               settings_help();
    case command::migrate:
        return "Usage: linkledger migrate [settings]\n\n"
               "Applies the pending database migrations, each once, and exits.\n\n" +
               settings_help();
    case command::api_key_create:
        return "Usage: linkledger api-key create --name NAME [settings]\n\n"
               "Creates an API key and prints it once, as the last line of the output.\n"
               "Only its SHA-256 is stored: keep the key somewhere safe.\n\n" +
               settings_help();
    case command::user_add:
        return "Usage: linkledger user add --email EMAIL --role owner|viewer [settings]\n\n"
               "Creates a dashboard user. The password is read from standard input (its\n"
               "first line) when that is not a terminal and not empty; otherwise one is\n"
               "generated and printed once, as the last line of the output. Owners change\n"
               "things; viewers see everything and change nothing.\n\n" +
               settings_help();
    case command::help:
        break;
    }
    return "Usage: linkledger COMMAND [options]\n\n"
           "Linkledger: affiliate links and promo codes for short-video creators.\n\n"
           "Commands:\n"
           "  serve              run the HTTP server\n"
           "  migrate            apply pending database migrations\n"
           "  api-key create     create an API key (--name NAME)\n"
           "  user add           create a dashboard user (--email EMAIL --role owner|viewer)\n\n"
           "Run 'linkledger COMMAND --help' for a command's options.\n";
}

command_line parse(int argc, char const* const* argv, config::env_lookup const& getenv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    command_line cl;
    std::size_t first_option = 1;
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        cl.what = command::help;
        cl.show_help = true;
        return cl;
    }
    if (args[0] == "serve")
        cl.what = command::serve;
    else if (args[0] == "migrate")
        cl.what = command::migrate;
    else if (args[0] == "api-key" && args.size() >= 2 && args[1] == "create") {
        cl.what = command::api_key_create;
        first_option = 2;
    } else if (args[0] == "api-key")
        throw config::config_error("api-key", "expected 'api-key create --name NAME'");
    else if (args[0] == "user" && args.size() >= 2 && args[1] == "add") {
        cl.what = command::user_add;
        first_option = 2;
    } else if (args[0] == "user")
        throw config::config_error("user", "expected 'user add --email EMAIL --role owner|viewer'");
    else
        throw config::config_error(args[0], "unknown command; run 'linkledger --help'");

    std::vector<std::string> options(args.begin() + static_cast<std::ptrdiff_t>(first_option), args.end());
    for (auto const& o : options)
        if (o == "--help" || o == "-h") {
            cl.show_help = true;
            return cl;
        }
    std::vector<std::string> rest;
    cl.settings = config::load(getenv, options, rest);
    for (std::size_t i = 0; i < rest.size(); ++i) {
        auto const& arg = rest[i];
        if (cl.what == command::api_key_create && (arg == "--name" || arg.starts_with("--name="))) {
            if (arg == "--name") {
                if (i + 1 >= rest.size())
                    throw config::config_error("--name", "needs a value");
                cl.api_key_name = rest[++i];
            } else {
                cl.api_key_name = arg.substr(7);
            }
            continue;
        }
        if (cl.what == command::user_add) {
            auto take = [&](std::string const& flag, std::string& into) {
                if (arg == flag) {
                    if (i + 1 >= rest.size())
                        throw config::config_error(flag, "needs a value");
                    into = rest[++i];
                    return true;
                }
                if (arg.starts_with(flag + "=")) {
                    into = arg.substr(flag.size() + 1);
                    return true;
                }
                return false;
            };
            if (take("--email", cl.user_email) || take("--role", cl.user_role))
                continue;
        }
        throw config::config_error(arg, "unknown option; run 'linkledger " + args[0] +
                                            (first_option == 2 ? " " + args[1] : "") + " --help'");
    }
    if (cl.what == command::api_key_create &&
        (cl.api_key_name.empty() || cl.api_key_name.size() > 200))
        throw config::config_error("--name", "is required (1 to 200 characters)");
    if (cl.what == command::user_add) {
        if (cl.user_email.empty())
            throw config::config_error("--email", "is required");
        if (cl.user_role != "owner" && cl.user_role != "viewer")
            throw config::config_error("--role", "must be owner or viewer");
    }
    config::check_database_url(cl.settings.database_url);
    return cl;
}

} // namespace linkledger::cli
