// Starts the real server on a scratch database with an owner and a viewer made by the real
// CLI, then runs one tests/browser/*.test.mjs file on it; each file gets a fresh instance, one
// after the other in name order (LL_BROWSER_FILES, a space-separated list, runs only those).
// Node's test runner drives Debian's headless Chromium through npm's playwright-core.
// Screenshots land in build/.../test-artifacts/browser.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

using namespace linkledger::testing;

namespace {

std::string shell_quote(std::string const& text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    return out + "'";
}

// The generated password is the last line of `user add`'s output.
std::string add_user(instance& ll, std::string const& email, std::string const& role)
{
    auto const created = run_linkledger({"user", "add", "--email", email, "--role", role},
                                        {{"LINKLEDGER_DATABASE_URL", ll.db().url()}});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return last_line(created.out);
}

// The test files to run: LL_BROWSER_FILES (space-separated) or every *.test.mjs, in name order.
std::vector<std::string> browser_test_files()
{
    std::vector<std::string> files;
    if (char const* chosen = std::getenv("LL_BROWSER_FILES"); chosen != nullptr && *chosen != '\0') {
        std::istringstream words{chosen};
        for (std::string file; words >> file;)
            files.push_back(file);
        return files;
    }
    for (auto const& entry : std::filesystem::directory_iterator(LINKLEDGER_BROWSER_DIR)) {
        auto const name = entry.path().filename().string();
        if (name.ends_with(".test.mjs"))
            files.push_back(name);
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Runs one test file against an instance of its own (a scratch database and a server), so
// no file sees another's data and the overview's totals are each file's alone.
void run_browser_file(std::string const& file)
{
    SCOPED_TRACE(file);
    // Loopback receivers are allowed: the Webhooks test runs its own on 127.0.0.1. The test
    // process is a trusted proxy, so a test can say where a visitor is (X-Forwarded-For) and,
    // with the bundled country file, see its country (pages.test.mjs); a request without the
    // header is still 127.0.0.1's, of no country.
    environment env{{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"}, {"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1"}};
    if (std::filesystem::exists(source_file("data/geoip/country.mmdb")))
        env["LINKLEDGER_GEOIP_DB"] = source_file("data/geoip/country.mmdb");
    // The test servers run without rate limits (server_process.cpp); this file's exports of
    // many pages must work under the API's default one, which a real server has.
    if (file == "export_all.test.mjs")
        env["LINKLEDGER_RATE_LIMIT_API"] = "20/100";
    instance ll("browser", env);
    auto const owner_password = add_user(ll, "owner@example.com", "owner");
    auto const viewer_password = add_user(ll, "viewer@example.com", "viewer");
    ASSERT_EQ(owner_password.size(), 20u);

    std::string const command =
        "cd " + shell_quote(LINKLEDGER_BROWSER_DIR) +
        " && LL_BASE_URL=" + shell_quote(ll.server().base_url()) +
        " LL_OWNER_EMAIL=owner@example.com LL_OWNER_PASSWORD=" + shell_quote(owner_password) +
        " LL_VIEWER_EMAIL=viewer@example.com LL_VIEWER_PASSWORD=" + shell_quote(viewer_password) +
        " LL_ARTIFACTS=" + shell_quote(LINKLEDGER_ARTIFACTS_DIR) +
        " node --test --test-reporter=spec " + shell_quote(file) + " 2>&1";
    std::cout << "== " << file << std::endl;
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    std::array<char, 4096> chunk{};
    while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr)
        output += chunk.data();
    int const status = ::pclose(pipe);
    std::cout << output;
    ASSERT_TRUE(WIFEXITED(status)) << output;
    EXPECT_EQ(WEXITSTATUS(status), 0) << file << " failed; see the output above";
}

} // namespace

TEST(browser, dashboard_and_bio_page_in_headless_chromium)
{
    auto const files = browser_test_files();
    ASSERT_FALSE(files.empty());
    for (auto const& file : files)
        run_browser_file(file);
}
