// Rate limits shared by instances and kept across restarts (issue 15): the API's bucket of one
// client is one bucket, whichever instance behind the load balancer the request reaches.
#include "instance.hpp"

#include <gtest/gtest.h>

using namespace linkledger::testing;

TEST(shared_limits, two_instances_and_a_restart_draw_from_one_bucket)
{
    // Three requests at once, then one every 100 s: nothing refills during the test.
    environment const env{{"LINKLEDGER_RATE_LIMIT_API", "0.01/3"}};
    instance a("shared_limits", env);
    auto const get = [&](unsigned short port) { return api(port, "GET", "/api/v1/links", a.key()).status; };
    a.create_link(R"({"target_url":"https://shop.example/x","slug":"never-limited"})"); // the first token
    {
        server_process b(a.db().url(), env);
        EXPECT_EQ(get(b.port()), 200);
        EXPECT_EQ(get(a.port()), 200);
        // Each instance alone would still have tokens left; together the client has none.
        auto const refused = api(b.port(), "GET", "/api/v1/links", a.key());
        EXPECT_EQ(refused.status, 429) << refused.body;
        EXPECT_GE(std::stoi(refused.header("Retry-After")), 1);
        EXPECT_EQ(get(a.port()), 429);
    }
    server_process restarted(a.db().url(), env);
    EXPECT_EQ(get(restarted.port()), 429) << "a restart forgot the bucket";
    // Redirects are never limited, shared or not.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(send(restarted.port(), {"GET", "/never-limited", "", {}}).status, 302);
}
