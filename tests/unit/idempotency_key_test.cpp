// Reading the Idempotency-Key header and fingerprinting the request it came with
// (http/idempotency_key), and what is kept of an answer (money/idempotency_store), without a
// server.
#include "http/http_error.hpp"
#include "http/idempotency_key.hpp"
#include "http/json_text.hpp"
#include "money/idempotency_store.hpp"

#include <boost/json/parse.hpp>
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

// An import's answer of `rows` rows, each as a failed row says it.
boost::json::object import_answer(int rows)
{
    boost::json::array each;
    for (int line = 2; line < rows + 2; ++line)
        each.push_back({{"line", line}, {"result", "error"}, {"field", "txid"},
                        {"message", "txid " + std::string(150, 'T') + " is already on line 1 of this file"}});
    return {{"offer_id", 7}, {"unknown_columns", {"note"}}, {"warnings", {"a file-wide warning"}},
            {"rows", std::move(each)}, {"created", 1}, {"failed", rows}, {"unchanged", 0}, {"updated", 0}};
}

http::kept_answer given(boost::json::value const& body)
{
    return {200, http::json_text(body) + "\n", false};
}

TEST(idempotency_key, an_answer_up_to_a_mebibyte_is_kept_as_it_was_given)
{
    auto const body = import_answer(100);
    auto const answer = given(body);
    auto const kept = money::answer_to_keep(answer, body);
    EXPECT_EQ(kept.status, 200u);
    EXPECT_EQ(kept.body, answer.body);
}

TEST(idempotency_key, a_longer_answer_is_kept_as_its_counts_and_says_what_it_left_out)
{
    auto const body = import_answer(10'000);
    auto const answer = given(body);
    ASSERT_GT(answer.body.size(), money::k_max_kept_answer_bytes);
    auto const kept = money::answer_to_keep(answer, body);
    EXPECT_EQ(kept.status, 200u);
    EXPECT_LT(kept.body.size(), 70u * 1024) << "the summary is small";
    EXPECT_EQ(kept.body.back(), '\n');
    auto const summary = boost::json::parse(kept.body).as_object();
    // Every member but the rows, as the answer gave it.
    for (auto const* name : {"offer_id", "unknown_columns", "warnings", "created", "failed", "unchanged", "updated"})
        EXPECT_EQ(summary.at(name), body.at(name)) << name;
    EXPECT_FALSE(summary.contains("rows"));
    auto const& not_kept = summary.at("not_kept").as_object();
    EXPECT_EQ(not_kept.at("members"), boost::json::array{"rows"});
    EXPECT_EQ(not_kept.at("answer_bytes").to_number<std::size_t>(), answer.body.size());
    EXPECT_EQ(not_kept.at("limit_bytes").to_number<std::size_t>(), money::k_max_kept_answer_bytes);
}

} // namespace
