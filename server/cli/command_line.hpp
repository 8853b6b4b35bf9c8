// The `linkledger` command line: which subcommand, its options, and the help texts.
#pragma once

#include "config/config.hpp"

#include <string>
#include <vector>

namespace linkledger::cli {

enum class command { serve, migrate, api_key_create, user_add, help };

struct command_line {
    command what = command::help;
    bool show_help = false;      // --help given: print help_text(what) and exit 0
    config::config settings;
    std::string api_key_name;    // for api-key create
    std::string user_email;      // for user add
    std::string user_role;       // for user add: owner or viewer
};

// Throws config::config_error (exit code 2) for an unknown command, option or bad value.
command_line parse(int argc, char const* const* argv, config::env_lookup const& getenv);

std::string help_text(command what);

} // namespace linkledger::cli
