// Starts the real server on a scratch database with an owner and a viewer made by the real
// CLI, then runs every *.test.mjs file in tests/browser, one after the other in name order
// (LL_BROWSER_FILES, a space-separated list, runs only those): Node's test runner driving
// Debian's headless Chromium through npm's playwright-core. Screenshots land in
// build/.../test-artifacts/browser.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

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

} // namespace

TEST(browser, dashboard_and_bio_page_in_headless_chromium)
{
    // Loopback receivers are allowed: the Webhooks test runs its own on 127.0.0.1.
    instance ll("browser", {{"LINKLEDGER_WEBHOOK_ALLOW_PRIVATE", "1"}});
    auto const owner_password = add_user(ll, "owner@example.com", "owner");
    auto const viewer_password = add_user(ll, "viewer@example.com", "viewer");
    ASSERT_EQ(owner_password.size(), 20u);

    std::string const command =
        "cd " + shell_quote(LINKLEDGER_BROWSER_DIR) +
        " && export LL_BASE_URL=" + shell_quote(ll.server().base_url()) +
        " LL_OWNER_EMAIL=owner@example.com LL_OWNER_PASSWORD=" + shell_quote(owner_password) +
        " LL_VIEWER_EMAIL=viewer@example.com LL_VIEWER_PASSWORD=" + shell_quote(viewer_password) +
        " LL_ARTIFACTS=" + shell_quote(LINKLEDGER_ARTIFACTS_DIR) +
        " && status=0 && for f in ${LL_BROWSER_FILES:-$(ls *.test.mjs)}; do"
        " echo \"== $f\"; node --test --test-reporter=spec \"$f\" 2>&1 || status=1; done; exit $status";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    std::array<char, 4096> chunk{};
    while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr)
        output += chunk.data();
    int const status = ::pclose(pipe);
    std::cout << output;
    ASSERT_TRUE(WIFEXITED(status)) << output;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "browser tests failed; see the output above";
}
