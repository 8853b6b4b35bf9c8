// Route matching: which route answers a request, what it captures, and what an unmatched
// request gets. Through the router's own entry points, as the listener calls them.
#include "http/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

using namespace linkledger::http;

namespace {

// Answers with the route's name and what it captured, as JSON.
response echo(std::string const& name, request_context const& ctx)
{
    boost::json::object captured;
    for (auto const& [key, value] : ctx.path_params)
        captured[key] = value;
    response res{status::ok, 11};
    res.body() = boost::json::serialize(boost::json::object{{"route", name}, {"params", captured}});
    return res;
}

class routes : public ::testing::Test {
protected:
    routes()
    {
        // In the order main.cpp registers their kinds: literals before the slug catch-all.
        r.add_now(verb::get, "/healthz", [](request_context& ctx) { return echo("healthz", ctx); });
        r.add(verb::get, "/api/v1/links/{id}", [](request_context& ctx) -> net::awaitable<response> {
            co_return echo("link", ctx);
        });
        r.add(verb::patch, "/api/v1/links/{id}", [](request_context& ctx) -> net::awaitable<response> {
            co_return echo("link.patch", ctx);
        });
        r.add(verb::post, "/api/v1/webhooks/{id}/deliveries/{delivery_id}/resend",
              [](request_context& ctx) -> net::awaitable<response> { co_return echo("resend", ctx); });
        r.add_now(verb::get, "/@{handle}", [](request_context& ctx) { return echo("bio", ctx); });
        r.add_now(verb::get, "/", [](request_context& ctx) { return echo("root", ctx); });
        r.add_now(verb::head, "/only-head", [](request_context& ctx) { return echo("head", ctx); });
        r.add_now(verb::get, "/only-head", [](request_context& ctx) { return echo("get", ctx); });
        r.add_now(verb::get, "/{slug}", [](request_context& ctx) { return echo("slug", ctx); });
        // Never reached: the catch-all above, registered first, takes every one-segment GET.
        r.add_now(verb::get, "/late", [](request_context& ctx) { return echo("late", ctx); });
    }

    // What the listener does: the immediate route if one answers, else the awaited one.
    boost::json::value ask(verb method, std::string const& target, int* status_code = nullptr)
    {
        request req{method, target, 11};
        std::size_t matched = 0;
        // Outlives the coroutine, which holds it by reference (as the listener's does).
        std::string const client = "127.0.0.1";
        std::optional<response> res = r.handle_now(req, client, &matched);
        if (!res) {
            net::io_context io;
            auto answer = net::co_spawn(io, r.handle(req, client, &matched), net::use_future);
            io.run();
            res = answer.get();
        }
        if (status_code)
            *status_code = res->result_int();
        return boost::json::parse(res->body());
    }

    std::string route_of(verb method, std::string const& target)
    {
        auto const answer = ask(method, target);
        auto const* route = answer.as_object().if_contains("route");
        return route ? std::string(route->as_string()) : "";
    }

    router r;
};

} // namespace

TEST_F(routes, literals_placeholders_and_the_catch_all)
{
    EXPECT_EQ(route_of(verb::get, "/healthz"), "healthz");
    EXPECT_EQ(route_of(verb::get, "/winter-haul"), "slug");
    EXPECT_EQ(route_of(verb::get, "/winter-haul?utm_source=tiktok"), "slug");
    EXPECT_EQ(route_of(verb::get, "/"), "root");
    EXPECT_EQ(route_of(verb::get, "/late"), "slug") << "the first route registered that matches answers";
    auto const link = ask(verb::get, "/api/v1/links/42");
    EXPECT_EQ(link.at("route").as_string(), "link");
    EXPECT_EQ(link.at("params").at("id").as_string(), "42");
    auto const resend = ask(verb::post, "/api/v1/webhooks/7/deliveries/99/resend");
    EXPECT_EQ(resend.at("params").at("id").as_string(), "7");
    EXPECT_EQ(resend.at("params").at("delivery_id").as_string(), "99");
}

TEST_F(routes, a_segment_is_captured_percent_decoded_and_whole)
{
    EXPECT_EQ(ask(verb::get, "/caf%C3%A9").at("params").at("slug").as_string(), "caf\xC3\xA9");
    // An encoded slash stays inside its segment: it never makes a path of two segments.
    EXPECT_EQ(ask(verb::get, "/a%2Fb").at("params").at("slug").as_string(), "a/b");
}

TEST_F(routes, a_prefix_placeholder_needs_something_after_its_prefix)
{
    auto const bio = ask(verb::get, "/@lea.creates");
    EXPECT_EQ(bio.at("route").as_string(), "bio");
    EXPECT_EQ(bio.at("params").at("handle").as_string(), "lea.creates");
    // "/@" alone is no handle: the catch-all takes it as a slug (which the redirect refuses).
    EXPECT_EQ(route_of(verb::get, "/@"), "slug");
}

TEST_F(routes, head_is_answered_by_get_unless_a_route_names_head)
{
    EXPECT_EQ(route_of(verb::head, "/winter-haul"), "slug");
    EXPECT_EQ(route_of(verb::head, "/only-head"), "head");
    EXPECT_EQ(route_of(verb::get, "/only-head"), "get");
}

TEST_F(routes, an_unknown_path_is_404_and_a_wrong_method_405_in_json)
{
    int code = 0;
    auto const missing = ask(verb::get, "/api/v1/nothing/here", &code);
    EXPECT_EQ(code, 404);
    EXPECT_EQ(missing.at("error").at("code").as_string(), "not_found");
    auto const wrong = ask(verb::delete_, "/api/v1/links/42", &code);
    EXPECT_EQ(code, 405);
    EXPECT_EQ(wrong.at("error").at("code").as_string(), "method_not_allowed");
    EXPECT_EQ(route_of(verb::patch, "/api/v1/links/42"), "link.patch");
    // Too many segments for any route.
    ask(verb::get, "/a/b/c/d/e/f/g/h", &code);
    EXPECT_EQ(code, 404);
}

TEST_F(routes, a_target_that_is_not_a_path_is_400)
{
    int code = 0;
    auto const answer = ask(verb::get, "http://example.com/x", &code);
    EXPECT_EQ(code, 400);
    EXPECT_EQ(answer.at("error").at("code").as_string(), "bad_request_target");
}

TEST_F(routes, the_body_limit_is_known_from_the_header_alone)
{
    r.add(verb::post, "/api/v1/conversions/import", [](request_context& ctx) -> net::awaitable<response> {
        co_return echo("import", ctx);
    }, {.requires_api_key = true, .max_body_bytes = 16 * 1024 * 1024});
    EXPECT_EQ(r.body_limit(verb::post, "/api/v1/conversions/import?offer_id=1"), 16u * 1024 * 1024);
    EXPECT_EQ(r.body_limit(verb::patch, "/api/v1/links/1"), route_options{}.max_body_bytes);
    EXPECT_EQ(r.body_limit(verb::post, "/nowhere/at/all"), route_options{}.max_body_bytes);
    EXPECT_EQ(r.largest_body_limit(), 16u * 1024 * 1024);
}

TEST_F(routes, changes_on_authenticated_routes_follow_the_registered_access_policy)
{
    r.add(verb::put, "/api/v1/guarded", [](request_context& ctx) -> net::awaitable<response> {
        co_return echo("guarded", ctx);
    }, {.requires_api_key = true});
    r.add(verb::get, "/api/v1/guarded", [](request_context& ctx) -> net::awaitable<response> {
        co_return echo("guarded.read", ctx);
    }, {.requires_api_key = true});
    r.set_authenticator([](credentials const&) -> net::awaitable<std::optional<principal>> {
        co_return principal{principal::via::api_key, 1, true, "", "", ""};
    });
    auto ask_with_key = [&](verb method) {
        request req{method, "/api/v1/guarded", 11};
        req.set(bhttp::field::authorization, "Bearer llk_anything");
        std::string const client = "127.0.0.1";
        net::io_context io;
        auto answer = net::co_spawn(io, r.handle(req, client), net::use_future);
        io.run();
        return answer.get().result_int();
    };
    // None registered: reads only.
    EXPECT_EQ(ask_with_key(verb::get), 200);
    EXPECT_EQ(ask_with_key(verb::put), 403);
    int asked = 0;
    r.set_access_policy([&](request const& req, principal const&) {
        ++asked;
        if (req.method() == verb::put && req["X-Allow"] != "yes")
            throw http_error(status::forbidden, "read_only", "no");
    });
    EXPECT_EQ(ask_with_key(verb::put), 403);
    EXPECT_EQ(ask_with_key(verb::get), 200);
    EXPECT_EQ(asked, 2);
}
