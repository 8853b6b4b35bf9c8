// Secrets kept out of logs, the audit log's actions and summaries, the login's `next`, and
// the security headers' building blocks: no database, no server.
#include "audit/audit_log.hpp"
#include "crypto/digest.hpp"
#include "logging/redaction.hpp"
#include "web/login_api.hpp"
#include "web/page_headers.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace linkledger;

namespace {

TEST(redaction, hides_the_values_of_secret_query_parameters_only)
{
    EXPECT_EQ(logging::redact_query("token=pb_abc&click_id=01J&txid=A-1&amount=1.00"),
              "token=[REDACTED]&click_id=01J&txid=A-1&amount=1.00");
    EXPECT_EQ(logging::redact_query("key=k1&secret=s1&signature=x&api_key=y&access_token=z&Password=p"),
              "key=[REDACTED]&secret=[REDACTED]&signature=[REDACTED]&api_key=[REDACTED]&"
              "access_token=[REDACTED]&Password=[REDACTED]");
    // An encoded name is the same name.
    EXPECT_EQ(logging::redact_query("%74oken=pb_abc&TOKEN=pb_def"), "%74oken=[REDACTED]&TOKEN=[REDACTED]");
    EXPECT_EQ(logging::redact_query("utm_source=tiktok&empty&=v"), "utm_source=tiktok&empty&=v");
    EXPECT_EQ(logging::redact_query("token"), "token=[REDACTED]");
    // Cut after redacting: a long query never shows the start of a secret.
    auto const long_query = std::string(600, 'a') + "=1&token=pb_secret";
    EXPECT_EQ(logging::redact_query(long_query).find("pb_"), std::string::npos);
    EXPECT_LE(logging::redact_query(long_query).size(), 512u);
}

TEST(redaction, hides_credential_headers_and_cleans_the_others)
{
    for (auto const* name : {"Authorization", "authorization", "Cookie", "Set-Cookie", "X-Shopify-Hmac-Sha256",
                             "X-WC-Webhook-Signature", "X-CSRF-Token", "Proxy-Authorization", "X-Api-Key"})
        EXPECT_EQ(logging::loggable_header(name, "secret-value"), "[REDACTED]") << name;
    EXPECT_EQ(logging::loggable_header("User-Agent", "Mozilla/5.0"), "Mozilla/5.0");
    EXPECT_EQ(logging::loggable_header("X-Odd", "a\rb\nc"), "a?b?c");
    EXPECT_EQ(logging::loggable_header("Referer", std::string(300, 'r')).size(), 200u);
}

TEST(audit_action, follows_the_route)
{
    using http::verb;
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/links"), "link.create");
    EXPECT_EQ(audit::action_for(verb::patch, "/api/v1/links/{id}"), "link.update");
    EXPECT_EQ(audit::action_for(verb::delete_, "/api/v1/links/{id}"), "link.delete");
    EXPECT_EQ(audit::action_for(verb::patch, "/api/v1/offers/{id}"), "offer.update");
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/users"), "user.add");
    EXPECT_EQ(audit::action_for(verb::delete_, "/api/v1/users/{id}"), "user.remove");
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/api-keys"), "api_key.create");
    EXPECT_EQ(audit::action_for(verb::delete_, "/api/v1/api-keys/{id}"), "api_key.revoke");
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/promo-codes"), "promo_code.create");
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/income"), "income.create");
    EXPECT_EQ(audit::action_for(verb::put, "/api/v1/profile"), "profile.update");
    EXPECT_EQ(audit::action_for(verb::delete_, "/api/v1/profile"), "profile.delete");
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/conversions/import"), "conversion.import");
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/offers/{id}/postback-token"), "offer.rotate_postback_token");
    EXPECT_EQ(audit::action_for(verb::post, "/api/v1/offers/{id}/webhook-secret"), "offer.rotate_webhook_secret");
}

TEST(audit_summary, keeps_descriptive_fields_and_never_a_secret)
{
    auto const key = boost::json::parse(R"({"id":7,"name":"zapier","key":"ll_abc_def"})").as_object();
    EXPECT_EQ(audit::summary_of(key), "name=zapier");
    auto const user = boost::json::parse(R"({"id":3,"email":"a@b.example","role":"viewer","password":"hunter22hunter22"})").as_object();
    EXPECT_EQ(audit::summary_of(user), "email=a@b.example role=viewer");
    auto const offer = boost::json::parse(
        R"({"id":1,"name":"Shop","active":true,"postback_url":"https://x/postback/1?token=pb_x","webhook_secret":"whsec_x"})").as_object();
    EXPECT_EQ(audit::summary_of(offer), "name=Shop active=true");
    auto const long_name = boost::json::object{{"name", std::string(100, 'n')}};
    EXPECT_EQ(audit::summary_of(long_name), "name=" + std::string(60, 'n') + "...");
    EXPECT_EQ(audit::target_of({{"id", "42"}}, key), 42);
    EXPECT_EQ(audit::target_of({}, key), 7);
    EXPECT_FALSE(audit::target_of({}, {}));
}

TEST(local_next, refuses_encoded_ways_to_another_site)
{
    EXPECT_EQ(web::local_next("/dashboard#links"), "/dashboard#links");
    EXPECT_EQ(web::local_next("/dashboard/app.css"), "/dashboard/app.css");
    for (auto const* bad : {"/%2F%2Fevil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%5cevil",
                            "%2F%2Fevil.example", "/%252F%252Fevil.example", "/%25252F%25252Fevil",
                            "/%0D%0ASet-Cookie:x", "/a%0a", "javascript:alert(1)", "JavaScript:alert(1)",
                            "/%09/evil.example", "http:/evil.example", "\t/evil"})
        EXPECT_EQ(web::local_next(bad), "/dashboard") << bad;
}

TEST(page_headers, bio_policy_allows_exactly_its_stylesheet)
{
    auto const& policy = web::bio_csp();
    EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
    EXPECT_NE(policy.find("style-src 'sha256-"), std::string::npos) << policy;
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos);
    auto const digest = crypto::sha256("body{}");
    EXPECT_EQ(web::csp_hash("body{}"),
              "'sha256-" + crypto::base64({reinterpret_cast<char const*>(digest.data()), digest.size()}) + "'");
}

TEST(page_headers, hsts_only_over_https)
{
    http::request req{http::verb::get, "/login", 11};
    EXPECT_FALSE(web::served_over_https(req, false));
    EXPECT_TRUE(web::served_over_https(req, true));
    req.set("X-Forwarded-Proto", "HTTPS");
    EXPECT_TRUE(web::served_over_https(req, false));
    req.set("X-Forwarded-Proto", "http, https");
    EXPECT_FALSE(web::served_over_https(req, false));

    http::response page{http::status::ok, 11};
    page.set(http::bhttp::field::content_type, "text/html; charset=utf-8");
    web::finish_response(req, page, true);
    EXPECT_EQ(page["Strict-Transport-Security"], web::k_hsts);
    EXPECT_EQ(page["Content-Security-Policy"], web::k_default_csp);
    EXPECT_EQ(page["X-Frame-Options"], "DENY");
    EXPECT_EQ(page["X-Content-Type-Options"], "nosniff");
    http::response json{http::status::ok, 11};
    json.set(http::bhttp::field::content_type, "application/json");
    web::finish_response(req, json, false);
    EXPECT_EQ(json.count("Strict-Transport-Security"), 0u);
    EXPECT_EQ(json.count("Content-Security-Policy"), 0u);
    EXPECT_EQ(json["X-Content-Type-Options"], "nosniff");
}

} // namespace
