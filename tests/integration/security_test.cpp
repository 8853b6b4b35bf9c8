// Hardening over real HTTP against the real server: secrets kept out of the log (grepped
// in the server's own log), security headers on every kind of page, open-redirect cases,
// secrets shown once and rotated, and the audit log.
#include "instance.hpp"

#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

using namespace linkledger::testing;

namespace {

std::string signature(std::string const& secret, std::string const& body)
{
    linkledger::crypto::hmac_sha256 mac(secret);
    return linkledger::crypto::base64(mac.mac(body));
}

// A dashboard user's browser: its cookie and the session's CSRF token.
struct browser {
    std::string session_id;
    std::string csrf;
    std::string cookie() const { return "ll_session=" + session_id; }
};

std::string add_user(instance& ll, std::string const& email, std::string const& role)
{
    auto const created = run_linkledger({"user", "add", "--email", email, "--role", role},
                                        {{"LINKLEDGER_DATABASE_URL", ll.db().url()}});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return last_line(created.out);
}

// GET /login then POST it as a browser would, with the form's CSRF cookie and field.
http_reply post_login(unsigned short port, std::string const& email, std::string const& password,
                      std::string const& next)
{
    auto const form = send(port, {"GET", "/login", "", {}});
    std::smatch m;
    std::string const page = form.body;
    EXPECT_TRUE(std::regex_search(page, m, std::regex("name=\"csrf\" value=\"([A-Za-z0-9]+)\"")));
    std::string const csrf = m[1];
    return send(port, {"POST", "/login",
                       "email=" + email + "&password=" + password + "&next=" + next + "&csrf=" + csrf,
                       {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "ll_login_csrf=" + csrf}}});
}

browser log_in(instance& ll, std::string const& email, std::string const& password)
{
    auto const reply = post_login(ll.port(), email, password, "/dashboard");
    EXPECT_EQ(reply.status, 303) << reply.body;
    std::smatch m;
    auto const set_cookie = reply.header("Set-Cookie");
    EXPECT_TRUE(std::regex_search(set_cookie, m, std::regex("ll_session=([A-Za-z0-9]+)"))) << set_cookie;
    browser b{m[1], ""};
    auto const who = send(ll.port(), {"GET", "/api/v1/session", "", {{"Cookie", b.cookie()}}});
    EXPECT_EQ(who.status, 200) << who.body;
    b.csrf = std::string(who.json().at("csrf_token").as_string());
    return b;
}

http_reply as(instance& ll, browser const& b, std::string const& method, std::string const& target,
              std::string const& body = "")
{
    return send(ll.port(), {method, target, body, {{"Cookie", b.cookie()}, {"X-CSRF-Token", b.csrf}}});
}

class security : public shared_instance_test<security> {
public:
    static constexpr char const* k_label = "security";
};

TEST(security_log, no_secret_reaches_the_debug_log)
{
    instance ll("security_log", {{"LINKLEDGER_LOG_LEVEL", "debug"}});
    auto const password = add_user(ll, "owner@example.com", "owner");
    auto const b = log_in(ll, "owner@example.com", password);
    auto const offer = ll.api("POST", "/api/v1/offers", R"({"name":"Shop","currency":"EUR","commission":{"type":"reported"}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const id = std::to_string(offer.json().at("id").as_int64());
    auto const postback_url = std::string(offer.json().at("postback_url").as_string());
    std::smatch m;
    ASSERT_TRUE(std::regex_search(postback_url, m, std::regex("token=(pb_[A-Za-z0-9]+)")));
    std::string const token = m[1];
    auto const webhook_secret = std::string(offer.json().at("webhook_secret").as_string());

    // Each secret travels the way it does in real life, and some go wrong on purpose.
    EXPECT_EQ(ll.api("GET", "/api/v1/links?key=" + ll.key()).status, 200);
    EXPECT_EQ(as(ll, b, "POST", "/api/v1/links", R"({"target_url":"https://shop.example/"})").status, 201);
    EXPECT_EQ(send(ll.port(), {"GET", "/dashboard", "", {{"Cookie", b.cookie()}}}).status, 200);
    EXPECT_EQ(send(ll.port(), {"GET", "/postback/" + id + "?token=" + token + "&txid=LOG-1&amount=1.00", "", {}}).status, 200);
    EXPECT_EQ(send(ll.port(), {"GET", "/postback/" + id + "?txid=LOG-2&amount=1.00&token=" + token + "x", "", {}}).status, 403);
    EXPECT_EQ(send(ll.port(), {"POST", "/postback/" + id, "token=" + token + "&txid=LOG-3&amount=2.00",
                               {{"Content-Type", "application/x-www-form-urlencoded"}}}).status, 200);
    std::string const order = R"({"id":4242,"total_price":"9.00","currency":"EUR","financial_status":"paid"})";
    auto const good_signature = signature(webhook_secret, order);
    EXPECT_EQ(send(ll.port(), {"POST", "/webhooks/shopify/" + id, order,
                               {{"X-Shopify-Hmac-Sha256", good_signature}, {"X-Shopify-Topic", "orders/paid"}}}).status, 200);
    EXPECT_EQ(send(ll.port(), {"POST", "/webhooks/woocommerce/" + id, order,
                               {{"X-WC-Webhook-Signature", good_signature + "x"}}}).status, 401);
    EXPECT_EQ(send(ll.port(), {"GET", "/healthz?secret=" + webhook_secret + "&signature=" + good_signature, "", {}}).status, 200);
    EXPECT_EQ(send(ll.port(), {"GET", "/api/v1/links", "", {{"Authorization", "Bearer " + ll.key() + "x"}}}).status, 401);
    auto const created_key = as(ll, b, "POST", "/api/v1/api-keys", R"({"name":"zapier"})");
    ASSERT_EQ(created_key.status, 201);
    auto const new_key = std::string(created_key.json().at("key").as_string());
    EXPECT_EQ(post_login(ll.port(), "owner@example.com", "Wrong-" + password, "/dashboard").status, 401);

    ASSERT_TRUE(ll.server().process().wait_for_log("/webhooks/woocommerce/" + id + " status=401", std::chrono::seconds(5)));
    ASSERT_TRUE(ll.server().process().wait_for_log("path=/dashboard status=200", std::chrono::seconds(5)));
    auto const log = ll.server().process().log();
    for (auto const& [what, secret] : std::vector<std::pair<std::string, std::string>>{
             {"API key", ll.key()}, {"API key's secret part", ll.key().substr(ll.key().rfind('_') + 1)},
             {"new API key", new_key}, {"session id", b.session_id}, {"CSRF token", b.csrf},
             {"postback token", token}, {"postback token's random part", token.substr(3)},
             {"webhook secret", webhook_secret}, {"webhook signature", good_signature}, {"password", password}})
        EXPECT_EQ(log.find(secret), std::string::npos) << what << " appears in the log";
    // The debug lines are there, with the marker where each secret was.
    EXPECT_NE(log.find("query=token=[REDACTED]&txid=LOG-1&amount=1.00"), std::string::npos) << log;
    EXPECT_NE(log.find("Authorization: [REDACTED]"), std::string::npos);
    EXPECT_NE(log.find("Cookie: [REDACTED]"), std::string::npos);
    EXPECT_NE(log.find("X-Shopify-Hmac-Sha256: [REDACTED]"), std::string::npos);
    EXPECT_NE(log.find("X-WC-Webhook-Signature: [REDACTED]"), std::string::npos);
    EXPECT_NE(log.find("X-CSRF-Token: [REDACTED]"), std::string::npos);
    EXPECT_NE(log.find("key=[REDACTED]"), std::string::npos);
}

TEST_F(security, every_kind_of_page_carries_its_security_headers)
{
    auto const password = add_user(*ll, "headers@example.com", "owner");
    auto const b = log_in(*ll, "headers@example.com", password);
    ASSERT_EQ(ll->api("PUT", "/api/v1/profile", R"({"handle":"lea","display_name":"Léa","language":"fr"})").status, 200);
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/p","slug":"hdr","bio":true})");
    auto const link_id = std::to_string(link.at("id").as_int64());
    auto const retired = ll->create_link(R"({"target_url":"https://shop.example/old","slug":"hdr-old"})");
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(retired.at("id").as_int64()), R"({"active":false})").status, 200);

    struct page {
        std::string what;
        http_request request;
        int status;
        std::string csp_has; // a part of the expected policy
        bool framing_denied;
    };
    std::map<std::string, std::string> const cookie{{"Cookie", b.cookie()}};
    std::vector<page> const pages{
        {"login", {"GET", "/login", "", {}}, 200, "script-src 'self'", true},
        {"dashboard", {"GET", "/dashboard", "", cookie}, 200, "script-src 'self'", true},
        {"dashboard script", {"GET", "/dashboard/app.js", "", {}}, 200, "script-src 'self'", true},
        {"dashboard stylesheet", {"GET", "/dashboard/app.css", "", {}}, 200, "style-src 'self'", true},
        {"bio page", {"GET", "/@lea", "", {}}, 200, "style-src 'sha256-", true},
        {"bio page missing", {"GET", "/@nobody", "", {}}, 404, "default-src 'none'", true},
        {"bio QR", {"GET", "/@lea/qr.svg", "", {}}, 200, "default-src 'none'", true},
        {"link QR", {"GET", "/api/v1/links/" + link_id + "/qr.svg", "", cookie}, 200, "default-src 'none'", true},
        {"unknown link", {"GET", "/no-such-link", "", {}}, 404, "default-src 'none'", true},
        {"retired link", {"GET", "/hdr-old", "", {}}, 410, "default-src 'none'", true},
    };
    for (auto const& p : pages) {
        auto const reply = send(ll->port(), p.request);
        EXPECT_EQ(reply.status, p.status) << p.what << ": " << reply.body.substr(0, 200);
        EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff") << p.what;
        auto const csp = reply.header("Content-Security-Policy");
        EXPECT_NE(csp.find(p.csp_has), std::string::npos) << p.what << ": " << csp;
        EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << p.what << ": " << csp;
        EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << p.what << ": " << csp;
        if (p.framing_denied) {
            EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << p.what;
            EXPECT_EQ(reply.header("X-Frame-Options"), "DENY") << p.what;
        }
        EXPECT_FALSE(reply.header("Referrer-Policy").empty()) << p.what;
        // Served over plain http here: no HSTS.
        EXPECT_EQ(reply.header("Strict-Transport-Security"), "") << p.what;
    }
    // The API's answers and errors are not pages, but are never sniffed either.
    auto const error = send(ll->port(), {"GET", "/api/v1/links", "", {}});
    EXPECT_EQ(error.status, 401);
    EXPECT_EQ(error.header("X-Content-Type-Options"), "nosniff");

    // The redirect stays small: its Referrer-Policy and Cache-Control, nothing else added.
    auto const redirect = send(ll->port(), {"GET", "/hdr", "", {}});
    ASSERT_EQ(redirect.status, 302);
    EXPECT_EQ(redirect.header("Referrer-Policy"), "strict-origin-when-cross-origin");
    EXPECT_EQ(redirect.header("Content-Security-Policy"), "");
    EXPECT_EQ(redirect.header("X-Content-Type-Options"), "");
    EXPECT_LE(redirect.headers.size(), 6u); // Location, Cache-Control, Referrer-Policy, Content-Length, Connection/Keep-Alive
}

TEST_F(security, our_pages_need_no_inline_script_or_style_attribute)
{
    auto const password = add_user(*ll, "inline@example.com", "owner");
    auto const b = log_in(*ll, "inline@example.com", password);
    ASSERT_EQ(ll->api("PUT", "/api/v1/profile", R"({"handle":"inline","display_name":"In","language":"en"})").status, 200);
    std::regex const inline_script("<script(?![^>]*\\bsrc=)[^>]*>", std::regex::icase);
    std::regex const handler_or_style("<[^>]*\\s(on[a-z]+|style)\\s*=", std::regex::icase);
    std::regex const javascript_url("javascript:", std::regex::icase);
    for (auto const& [target, cookie] : std::vector<std::pair<std::string, std::string>>{
             {"/login", ""}, {"/dashboard", b.cookie()}, {"/@inline", ""}}) {
        auto const reply = send(ll->port(), {"GET", target, "", {{"Cookie", cookie}}});
        ASSERT_EQ(reply.status, 200) << target;
        EXPECT_FALSE(std::regex_search(reply.body, inline_script)) << target;
        EXPECT_FALSE(std::regex_search(reply.body, handler_or_style)) << target;
        EXPECT_FALSE(std::regex_search(reply.body, javascript_url)) << target;
    }
    // The bio page's one inline stylesheet is the one its policy names by hash.
    auto const bio = send(ll->port(), {"GET", "/@inline", "", {}});
    auto const start = bio.body.find("<style>") + 7;
    auto const style = bio.body.substr(start, bio.body.find("</style>") - start);
    auto const digest = linkledger::crypto::sha256(style);
    auto const hash = linkledger::crypto::base64({reinterpret_cast<char const*>(digest.data()), digest.size()});
    EXPECT_NE(bio.header("Content-Security-Policy").find("style-src 'sha256-" + hash + "'"), std::string::npos)
        << bio.header("Content-Security-Policy");
}

TEST(security_https, hsts_when_the_public_url_is_https)
{
    instance ll("security_https", {{"LINKLEDGER_PUBLIC_URL", "https://go.example.com"}});
    for (auto const* target : {"/login", "/dashboard/app.js", "/no-such-link"}) {
        auto const reply = send(ll.port(), {"GET", target, "", {}});
        EXPECT_EQ(reply.header("Strict-Transport-Security"), "max-age=31536000") << target;
    }
    EXPECT_NE(send(ll.port(), {"GET", "/login", "", {}}).header("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST(security_https, hsts_when_a_trusted_proxy_says_https_and_only_then)
{
    instance trusted("security_proxy", {{"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1, ::1"}});
    EXPECT_EQ(send(trusted.port(), {"GET", "/login", "", {{"X-Forwarded-Proto", "https"}}})
                  .header("Strict-Transport-Security"), "max-age=31536000");
    EXPECT_EQ(send(trusted.port(), {"GET", "/login", "", {{"X-Forwarded-Proto", "http"}}})
                  .header("Strict-Transport-Security"), "");
    instance direct("security_direct", {{"LINKLEDGER_TRUSTED_PROXIES", "10.9.9.9"}});
    EXPECT_EQ(send(direct.port(), {"GET", "/login", "", {{"X-Forwarded-Proto", "https"}}})
                  .header("Strict-Transport-Security"), "");
}

TEST_F(security, login_next_only_leads_to_paths_on_this_site)
{
    auto const password = add_user(*ll, "next@example.com", "owner");
    // The form's hidden field, and where a successful login goes.
    for (auto const& [next, expected] : std::vector<std::pair<std::string, std::string>>{
             {"%2Fdashboard%23links", "/dashboard#links"},
             {"%2F%2Fevil.example", "/dashboard"},
             {"%2F%5Cevil.example", "/dashboard"},
             {"https%3A%2F%2Fevil.example", "/dashboard"},
             {"javascript%3Aalert(1)", "/dashboard"},
             {"%2F%252F%252Fevil.example", "/dashboard"},
             {"%2F%255Cevil.example", "/dashboard"},
             {"%2Fdashboard%0D%0ASet-Cookie%3A%20x%3D1", "/dashboard"},
             {"%2F%09%2Fevil.example", "/dashboard"}}) {
        auto const form = send(ll->port(), {"GET", "/login?next=" + next, "", {}});
        EXPECT_NE(form.body.find("name=\"next\" value=\"" + expected + "\""), std::string::npos) << next;
        auto const reply = post_login(ll->port(), "next@example.com", password, next);
        EXPECT_EQ(reply.status, 303) << next;
        EXPECT_EQ(reply.header("Location"), expected) << next;
    }
}

TEST_F(security, only_active_links_redirect)
{
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/ok","slug":"only-active"})");
    EXPECT_EQ(send(ll->port(), {"GET", "/only-active", "", {}}).header("Location"), "https://shop.example/ok");
    for (auto const* target : {"/no-such-link", "//evil.example", "/%2F%2Fevil.example", "/https:%2F%2Fevil.example",
                               "/only-active/https://evil.example", "/only-active?url=https://evil.example"}) {
        auto const reply = send(ll->port(), {"GET", target, "", {}});
        auto const location = reply.header("Location");
        // Never another host: a visitor's own query is forwarded to the merchant, nothing more.
        EXPECT_TRUE(location.empty() || location == "https://shop.example/ok" ||
                    location == "https://shop.example/ok?url=https://evil.example")
            << target << " -> " << location;
    }
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(link.at("id").as_int64()), R"({"active":false})").status, 200);
    // The table follows the change within a moment (LISTEN/NOTIFY).
    http_reply gone;
    for (int i = 0; i < 50; ++i) {
        gone = send(ll->port(), {"GET", "/only-active", "", {}});
        if (gone.status == 410)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(gone.status, 410);
    EXPECT_EQ(gone.header("Location"), "");
    // Link targets are http(s) only: no javascript: or data: destinations to begin with.
    EXPECT_EQ(ll->api("POST", "/api/v1/links", R"x({"target_url":"javascript:alert(1)"})x").status, 400);
    EXPECT_EQ(ll->api("POST", "/api/v1/links", R"({"target_url":"//evil.example/"})").status, 400);
}

TEST_F(security, offer_secrets_are_shown_once_and_rotate_one_at_a_time)
{
    auto const offer = ll->api("POST", "/api/v1/offers", R"({"name":"Rot","currency":"EUR","commission":{"type":"reported"}})");
    ASSERT_EQ(offer.status, 201);
    auto const id = std::to_string(offer.json().at("id").as_int64());
    auto const first_url = std::string(offer.json().at("postback_url").as_string());
    auto const first_secret = std::string(offer.json().at("webhook_secret").as_string());
    auto const token_of = [](std::string const& url) {
        std::smatch m;
        return std::regex_search(url, m, std::regex("token=([^&]+)")) ? std::string(m[1]) : std::string();
    };
    ASSERT_TRUE(token_of(first_url).starts_with("pb_"));
    for (auto const& target : {"/api/v1/offers/" + id, std::string("/api/v1/offers")}) {
        auto const got = ll->api("GET", target);
        ASSERT_EQ(got.status, 200);
        EXPECT_EQ(got.body.find(token_of(first_url)), std::string::npos) << target;
        EXPECT_EQ(got.body.find(first_secret), std::string::npos) << target;
        EXPECT_EQ(got.body.find("webhook_secret"), std::string::npos) << target;
        EXPECT_NE(got.body.find("token=<shown-once>&click_id={click_id}"), std::string::npos) << got.body;
    }
    auto const postback = [&](std::string const& token, std::string const& txid) {
        return send(ll->port(), {"GET", "/postback/" + id + "?token=" + token + "&txid=" + txid + "&amount=1.00", "", {}}).status;
    };
    EXPECT_EQ(postback(token_of(first_url), "ROT-A"), 200);
    auto const rotated = ll->api("POST", "/api/v1/offers/" + id + "/postback-token");
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    auto const new_token = token_of(std::string(rotated.json().at("postback_url").as_string()));
    EXPECT_NE(new_token, token_of(first_url));
    EXPECT_EQ(postback(token_of(first_url), "ROT-B"), 403);
    EXPECT_EQ(postback(new_token, "ROT-C"), 200);
    // The stored form is the token's SHA-256, nothing else.
    EXPECT_EQ(ll->db().query_value("SELECT encode(postback_token_sha256, 'hex') FROM offers WHERE id = " + id),
              linkledger::crypto::sha256_hex(new_token));

    std::string const order = R"({"id":777,"total_price":"9.00","currency":"EUR","financial_status":"paid"})";
    auto const webhook = [&](std::string const& secret) {
        return send(ll->port(), {"POST", "/webhooks/shopify/" + id, order,
                                 {{"X-Shopify-Hmac-Sha256", signature(secret, order)}, {"X-Shopify-Topic", "orders/paid"}}}).status;
    };
    auto const new_secret = ll->api("POST", "/api/v1/offers/" + id + "/webhook-secret");
    ASSERT_EQ(new_secret.status, 200) << new_secret.body;
    auto const secret = std::string(new_secret.json().at("webhook_secret").as_string());
    EXPECT_NE(secret, first_secret);
    EXPECT_EQ(webhook(first_secret), 401);
    EXPECT_EQ(webhook(secret), 200);
    // Rotating the webhook secret left the postback token alone.
    EXPECT_EQ(postback(new_token, "ROT-D"), 200);
    EXPECT_EQ(ll->api("POST", "/api/v1/offers/999999/postback-token").status, 404);
    EXPECT_EQ(ll->api("POST", "/api/v1/offers/999999/webhook-secret").status, 404);
}

TEST_F(security, the_audit_log_says_who_did_what_and_viewers_cannot_read_it)
{
    auto const owner_password = add_user(*ll, "boss@example.com", "owner");
    auto const viewer_password = add_user(*ll, "looker@example.com", "viewer");
    auto const owner = log_in(*ll, "boss@example.com", owner_password);
    auto const viewer = log_in(*ll, "looker@example.com", viewer_password);

    // By API key (the instance's "tests" key), then by the owner's dashboard session.
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/a","slug":"audited"})");
    auto const link_id = link.at("id").as_int64();
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(link_id), R"({"title":"Winter"})").status, 200);
    auto const key = as(*ll, owner, "POST", "/api/v1/api-keys", R"({"name":"zapier"})");
    ASSERT_EQ(key.status, 201);
    auto const key_id = key.json().at("id").as_int64();
    auto const secret = std::string(key.json().at("key").as_string());
    ASSERT_EQ(as(*ll, owner, "DELETE", "/api/v1/api-keys/" + std::to_string(key_id)).status, 204);
    auto const user = as(*ll, owner, "POST", "/api/v1/users", R"({"email":"new@example.com","role":"viewer"})");
    ASSERT_EQ(user.status, 201);
    auto const generated = std::string(user.json().at("password").as_string());
    // What failed or only read is not a change.
    EXPECT_EQ(as(*ll, owner, "POST", "/api/v1/links", R"({"target_url":"ftp://x"})").status, 400);
    EXPECT_EQ(as(*ll, viewer, "POST", "/api/v1/links", R"({"target_url":"https://x.example/"})").status, 403);
    EXPECT_EQ(as(*ll, viewer, "POST", "/api/v1/offers/1/webhook-secret").status, 403);

    auto const reply = ll->api("GET", "/api/v1/audit-log?limit=200");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto const entries = reply.json().at("entries").as_array();
    auto const find = [&](std::string const& action, std::optional<std::int64_t> target) -> boost::json::object const* {
        for (auto const& e : entries) {
            auto const& o = e.as_object();
            if (o.at("action").as_string() == action &&
                (!target || (o.at("target_id").is_int64() && o.at("target_id").as_int64() == *target)))
                return &o;
        }
        return nullptr;
    };
    auto const* created = find("link.create", link_id);
    ASSERT_NE(created, nullptr) << reply.body;
    EXPECT_EQ(created->at("actor_kind").as_string(), "api_key");
    EXPECT_EQ(created->at("actor_name").as_string(), "tests");
    EXPECT_TRUE(created->at("actor_id").is_int64());
    EXPECT_EQ(created->at("ip").as_string(), "127.0.0.1");
    EXPECT_NE(created->at("summary").as_string().find("slug=audited"), std::string::npos);
    EXPECT_NE(find("link.update", link_id), nullptr);
    auto const* made_key = find("api_key.create", key_id);
    ASSERT_NE(made_key, nullptr);
    EXPECT_EQ(made_key->at("actor_kind").as_string(), "user");
    EXPECT_EQ(made_key->at("actor_name").as_string(), "boss@example.com");
    EXPECT_EQ(made_key->at("summary").as_string(), "name=zapier");
    auto const* revoked = find("api_key.revoke", key_id);
    ASSERT_NE(revoked, nullptr);
    EXPECT_EQ(revoked->at("actor_name").as_string(), "boss@example.com");
    auto const* added = find("user.add", user.json().at("id").as_int64());
    ASSERT_NE(added, nullptr);
    EXPECT_EQ(added->at("actor_kind").as_string(), "user");
    EXPECT_EQ(added->at("summary").as_string(), "email=new@example.com role=viewer");
    // The command line's `user add` is recorded too.
    bool cli_seen = false;
    for (auto const& e : entries)
        cli_seen = cli_seen || (e.at("action").as_string() == "user.add" && e.at("actor_kind").as_string() == "cli" &&
                                e.at("summary").as_string().find("looker@example.com") != std::string::npos);
    EXPECT_TRUE(cli_seen) << reply.body;
    // The viewer's logins are in the log (issue 15); a change of theirs never is, refused.
    for (auto const& e : entries)
        if (!e.at("action").as_string().starts_with("login")) {
            EXPECT_NE(e.at("actor_name").as_string(), "looker@example.com") << "a refused change was recorded";
        }
    EXPECT_EQ(reply.body.find(secret), std::string::npos);
    EXPECT_EQ(reply.body.find(generated), std::string::npos);

    // Pages: newest first, `before` goes on from the last one seen.
    auto const first = ll->api("GET", "/api/v1/audit-log?limit=1");
    ASSERT_EQ(first.status, 200);
    ASSERT_EQ(first.json().at("entries").as_array().size(), 1u);
    auto const next = first.json().at("next_before").as_int64();
    EXPECT_EQ(first.json().at("entries").as_array()[0].at("id").as_int64(), next);
    auto const second = ll->api("GET", "/api/v1/audit-log?limit=1&before=" + std::to_string(next));
    EXPECT_LT(second.json().at("entries").as_array()[0].at("id").as_int64(), next);
    EXPECT_EQ(ll->api("GET", "/api/v1/audit-log?limit=0").json().at("error").at("field").as_string(), "limit");
    EXPECT_EQ(ll->api("GET", "/api/v1/audit-log?before=x").json().at("error").at("field").as_string(), "before");

    EXPECT_EQ(as(*ll, owner, "GET", "/api/v1/audit-log").status, 200);
    auto const refused = as(*ll, viewer, "GET", "/api/v1/audit-log");
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.json().at("error").at("code").as_string(), "owners_only");
    EXPECT_EQ(send(ll->port(), {"GET", "/api/v1/audit-log", "", {}}).status, 401);
}

TEST(security_cli, api_key_create_is_in_the_audit_log)
{
    instance ll("security_cli");
    // The instance's own key was made with `api-key create`.
    EXPECT_EQ(ll.db().query_value("SELECT actor_kind || ' ' || action || ' ' || summary FROM audit_log "
                                  "WHERE action = 'api_key.create'"),
              "cli api_key.create name=tests");
}

} // namespace
