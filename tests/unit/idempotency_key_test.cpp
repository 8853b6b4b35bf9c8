// Reading the Idempotency-Key header and fingerprinting the request it came with
// (http/idempotency_key), without a server.
#include "http/http_error.hpp"
#include "http/idempotency_key.hpp"

#include <gtest/gtest.h>

using namespace linkledger;

namespace {

http::request post(std::string const& target, std::string const& body)
{
    http::request req{http::verb::post, target, 11};
    req.body() = body;
    return req;
}

http::request with_key(std::string const& key)
{
    auto req = post("/api/v1/income", "{}");
    req.set("Idempotency-Key", key);
    return req;
}

std::string refused_field(http::request const& req)
{
    try {
        http::idempotency_key(req);
    } catch (http::http_error const& e) {
        EXPECT_EQ(e.status, http::status::bad_request);
        return e.field;
    }
    return "(accepted)";
}

TEST(idempotency_key, a_request_without_the_header_has_no_key)
{
    EXPECT_FALSE(http::idempotency_key(post("/api/v1/income", "{}")));
}

TEST(idempotency_key, printable_ascii_up_to_255_characters_is_a_key_quoted_or_not)
{
    EXPECT_EQ(http::idempotency_key(with_key("8e03978e-40d5-43e8-bc93-6894a57f9324")),
              "8e03978e-40d5-43e8-bc93-6894a57f9324");
    EXPECT_EQ(http::idempotency_key(with_key("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"")),
              "8e03978e-40d5-43e8-bc93-6894a57f9324");
    EXPECT_EQ(http::idempotency_key(with_key("order 42 / try #1 ~")), "order 42 / try #1 ~");
    EXPECT_EQ(http::idempotency_key(with_key(std::string(255, 'k'))), std::string(255, 'k'));
    EXPECT_EQ(http::idempotency_key(with_key("\"" + std::string(255, 'k') + "\"")), std::string(255, 'k'));
}

TEST(idempotency_key, anything_else_is_a_400_naming_the_header)
{
    for (auto const& bad : {std::string(), std::string(256, 'k'), std::string("caf\xc3\xa9"), std::string("tab\there"),
                            std::string("\"\""), std::string("\"a\\\"b\""), std::string("\"a\\\\b\"")})
        EXPECT_EQ(refused_field(with_key(bad)), "Idempotency-Key") << bad;
    auto twice = with_key("one");
    twice.insert("Idempotency-Key", "two");
    EXPECT_EQ(refused_field(twice), "Idempotency-Key");
}

TEST(idempotency_key, the_fingerprint_is_the_method_target_and_body_as_sent)
{
    auto const fp = [](http::request const& r) { return http::request_fingerprint(r); };
    auto const base = post("/api/v1/conversions/import?offer_id=1", "a,b\n1,2\n");
    EXPECT_EQ(fp(base), fp(post("/api/v1/conversions/import?offer_id=1", "a,b\n1,2\n")));
    EXPECT_NE(fp(base), fp(post("/api/v1/conversions/import?offer_id=2", "a,b\n1,2\n")));
    EXPECT_NE(fp(base), fp(post("/api/v1/conversions/import?offer_id=1", "a,b\n1,3\n")));
    auto put = base;
    put.method(http::verb::put);
    EXPECT_NE(fp(base), fp(put));
    // A header is no part of it: a retry may carry another Date or request id.
    auto other_headers = base;
    other_headers.set(http::bhttp::field::user_agent, "retry/2");
    EXPECT_EQ(fp(base), fp(other_headers));
}

TEST(idempotency_key, a_replayed_answer_is_marked_and_a_first_one_is_not)
{
    auto const first = http::kept_response({201, "{\"id\":1}\n", false});
    EXPECT_EQ(first.result_int(), 201);
    EXPECT_EQ(first.body(), "{\"id\":1}\n");
    EXPECT_EQ(first.count("Idempotent-Replayed"), 0u);
    auto const replay = http::kept_response({201, "{\"id\":1}\n", true});
    EXPECT_EQ(replay.body(), first.body());
    EXPECT_EQ(replay["Idempotent-Replayed"], "true");
    EXPECT_EQ(replay[http::bhttp::field::content_type], first[http::bhttp::field::content_type]);
}

} // namespace
