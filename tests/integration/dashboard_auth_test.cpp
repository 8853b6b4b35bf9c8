// Users, sessions, CSRF, roles and login throttling over real HTTP against the real server.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <future>
#include <regex>
#include <set>
#include <thread>
#include <vector>

using namespace linkledger::testing;

namespace {

class dashboard_auth : public shared_instance_test<dashboard_auth> {
public:
    static constexpr char const* k_label = "dashboard_auth";

protected:
    // `user add` with a generated password: returns it (the last line of the output).
    static std::string add_user(std::string const& email, std::string const& role)
    {
        auto const created = run_linkledger({"user", "add", "--email", email, "--role", role},
                                            {{"LINKLEDGER_DATABASE_URL", ll->db().url()}});
        EXPECT_EQ(created.exit_code, 0) << created.err;
        return last_line(created.out);
    }

    struct browser {
        std::string cookies; // "name=value; name=value"
        std::string csrf;
    };

    // GET /login then POST it as a browser would, with the form's CSRF cookie and field.
    static http_reply post_login(std::string const& email, std::string const& password,
                                 std::string const& next = "/dashboard",
                                 std::string const& forwarded_csrf = "", unsigned short port = 0)
    {
        if (port == 0)
            port = ll->port();
        auto const form = send(port, {"GET", "/login", "", {}});
        EXPECT_EQ(form.status, 200);
        std::smatch m;
        std::string const page = form.body;
        EXPECT_TRUE(std::regex_search(page, m, std::regex("name=\"csrf\" value=\"([A-Za-z0-9]+)\"")));
        std::string const csrf = m[1];
        auto const body = "email=" + email + "&password=" + password + "&next=" + next +
                          "&csrf=" + (forwarded_csrf.empty() ? csrf : forwarded_csrf);
        return send(port, {"POST", "/login", body,
                           {{"Content-Type", "application/x-www-form-urlencoded"},
                            {"Cookie", "ll_login_csrf=" + csrf}}});
    }

    static browser log_in(std::string const& email, std::string const& password)
    {
        auto const reply = post_login(email, password);
        EXPECT_EQ(reply.status, 303) << reply.body;
        std::smatch m;
        auto const set_cookie = reply.header("Set-Cookie");
        EXPECT_TRUE(std::regex_search(set_cookie, m, std::regex("ll_session=([A-Za-z0-9]+)")))
            << set_cookie;
        browser b{"ll_session=" + std::string(m[1]), ""};
        auto const who = send(ll->port(), {"GET", "/api/v1/session", "", {{"Cookie", b.cookies}}});
        EXPECT_EQ(who.status, 200) << who.body;
        b.csrf = std::string(who.json().at("csrf_token").as_string());
        return b;
    }

    static http_reply as(browser const& b, std::string const& method, std::string const& target,
                         std::string const& body = "", bool with_csrf = true)
    {
        std::map<std::string, std::string> headers{{"Cookie", b.cookies}};
        if (with_csrf)
            headers["X-CSRF-Token"] = b.csrf;
        return send(ll->port(), {method, target, body, headers});
    }
};

TEST_F(dashboard_auth, user_add_generates_a_password_stored_as_scrypt)
{
    auto const password = add_user("Lea@Example.com", "owner");
    EXPECT_EQ(password.size(), 20u);
    auto const stored = ll->db().query_value("SELECT password_hash FROM users WHERE email = 'lea@example.com'");
    EXPECT_TRUE(stored.starts_with("scrypt$32768$8$1$")) << stored;
    EXPECT_EQ(stored.find(password), std::string::npos);
    auto const again = run_linkledger({"user", "add", "--email", "lea@example.com", "--role", "owner"},
                                      {{"LINKLEDGER_DATABASE_URL", ll->db().url()}});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
    auto const bad_role = run_linkledger({"user", "add", "--email", "x@example.com", "--role", "admin"},
                                         {{"LINKLEDGER_DATABASE_URL", ll->db().url()}});
    EXPECT_EQ(bad_role.exit_code, 2);
}

TEST_F(dashboard_auth, login_sets_a_hardened_session_cookie_and_logout_revokes_it)
{
    auto const password = add_user("owner1@example.com", "owner");
    auto const reply = post_login("owner1@example.com", password, "/dashboard%23links");
    ASSERT_EQ(reply.status, 303) << reply.body;
    EXPECT_EQ(reply.header("Location"), "/dashboard#links");
    auto const cookie = reply.header("Set-Cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "http public URL: no Secure";
    // Only the session id's hash is stored.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(cookie, m, std::regex("ll_session=([A-Za-z0-9]+)")));
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM sessions WHERE id_sha256 = sha256('" +
                                   std::string(m[1]) + "'::bytea)"), "1");

    auto const b = log_in("owner1@example.com", password);
    EXPECT_EQ(as(b, "GET", "/dashboard").status, 200);
    EXPECT_EQ(as(b, "GET", "/api/v1/links").status, 200);
    auto const out = send(ll->port(), {"POST", "/logout", "csrf=" + b.csrf,
                                       {{"Cookie", b.cookies},
                                        {"Content-Type", "application/x-www-form-urlencoded"}}});
    EXPECT_EQ(out.status, 303);
    EXPECT_EQ(as(b, "GET", "/api/v1/links").status, 401);
    auto const to_login = as(b, "GET", "/dashboard");
    EXPECT_EQ(to_login.status, 303);
    EXPECT_EQ(to_login.header("Location"), "/login?next=/dashboard");
}

TEST_F(dashboard_auth, next_only_accepts_local_paths)
{
    auto const password = add_user("owner2@example.com", "owner");
    for (auto const* next : {"https://evil.example/", "//evil.example/", "/%5Cevil.example", "%2F%2Fevil.example"}) {
        auto const reply = post_login("owner2@example.com", password, next);
        ASSERT_EQ(reply.status, 303) << next;
        EXPECT_EQ(reply.header("Location"), "/dashboard") << next;
    }
}

TEST_F(dashboard_auth, the_login_form_needs_its_csrf_token)
{
    auto const password = add_user("owner3@example.com", "owner");
    auto const reply = post_login("owner3@example.com", password, "/dashboard", "forged");
    EXPECT_EQ(reply.status, 403);
    EXPECT_TRUE(reply.header("Set-Cookie").find("ll_session=") == std::string::npos);
}

TEST_F(dashboard_auth, session_changes_need_the_csrf_header)
{
    auto const b = log_in("owner4@example.com", add_user("owner4@example.com", "owner"));
    auto const forged = as(b, "POST", "/api/v1/links", R"({"target_url":"https://x.example"})", false);
    EXPECT_EQ(forged.status, 403);
    EXPECT_EQ(forged.json().at("error").at("field").as_string(), "X-CSRF-Token");
    auto const made = as(b, "POST", "/api/v1/links", R"({"target_url":"https://x.example"})");
    EXPECT_EQ(made.status, 201) << made.body;
}

TEST_F(dashboard_auth, viewers_read_but_cannot_change)
{
    auto const b = log_in("viewer1@example.com", add_user("viewer1@example.com", "viewer"));
    EXPECT_EQ(as(b, "GET", "/api/v1/links").status, 200);
    EXPECT_EQ(as(b, "GET", "/api/v1/users").status, 200);
    for (auto const& [method, target, body] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"POST", "/api/v1/links", R"({"target_url":"https://x.example"})"},
             {"PUT", "/api/v1/profile", R"({"handle":"x","display_name":"X","language":"fr"})"},
             {"DELETE", "/api/v1/profile", ""},
             {"POST", "/api/v1/api-keys", R"({"name":"k"})"},
             {"POST", "/api/v1/users", R"({"email":"a@b.example","role":"owner"})"},
             {"DELETE", "/api/v1/users/1", ""}}) {
        auto const reply = as(b, method, target, body);
        EXPECT_EQ(reply.status, 403) << method << " " << target << ": " << reply.body;
        EXPECT_EQ(reply.json().at("error").at("code").as_string(), "read_only");
    }
}

TEST_F(dashboard_auth, owners_manage_users_and_api_keys)
{
    auto const b = log_in("owner5@example.com", add_user("owner5@example.com", "owner"));
    auto const user = as(b, "POST", "/api/v1/users", R"({"email":"New@Example.com","role":"viewer"})");
    ASSERT_EQ(user.status, 201) << user.body;
    auto const created = user.json().as_object();
    EXPECT_EQ(created.at("email").as_string(), "new@example.com");
    auto const generated = std::string(created.at("password").as_string());
    log_in("new@example.com", generated); // the generated password works
    EXPECT_EQ(as(b, "POST", "/api/v1/users", R"({"email":"new@example.com","role":"viewer"})").status, 409);
    auto const bad = as(b, "POST", "/api/v1/users", R"({"email":"nope","role":"viewer"})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json().at("error").at("field").as_string(), "email");
    EXPECT_EQ(as(b, "POST", "/api/v1/users", R"({"email":"a@b.example","role":"root"})")
                  .json().at("error").at("field").as_string(), "role");
    EXPECT_EQ(as(b, "POST", "/api/v1/users", R"({"email":"a@b.example","role":"viewer","password":"short"})")
                  .json().at("error").at("field").as_string(), "password");
    auto const id = std::to_string(created.at("id").as_int64());
    EXPECT_EQ(as(b, "DELETE", "/api/v1/users/" + id).status, 204);
    EXPECT_EQ(as(b, "DELETE", "/api/v1/users/" + id).status, 404);

    auto const key = as(b, "POST", "/api/v1/api-keys", R"({"name":"zapier"})");
    ASSERT_EQ(key.status, 201) << key.body;
    auto const secret = std::string(key.json().at("key").as_string());
    EXPECT_EQ(api(ll->port(), "GET", "/api/v1/links", secret).status, 200);
    auto const listed = as(b, "GET", "/api/v1/api-keys").json().at("api_keys").as_array();
    EXPECT_GE(listed.size(), 2u);
    // The key just used says so; a second use within the minute writes nothing more.
    auto const key_row = "SELECT last_used_at FROM api_keys WHERE id = " + std::to_string(key.json().at("id").as_int64());
    auto const first_use = ll->db().query_value(key_row);
    EXPECT_NE(first_use, "NULL");
    EXPECT_EQ(api(ll->port(), "GET", "/api/v1/links", secret).status, 200);
    EXPECT_EQ(ll->db().query_value(key_row), first_use);
    bool shown = false;
    for (auto const& k : listed)
        shown = shown || (k.at("id") == key.json().at("id") && k.at("last_used_at").is_string());
    EXPECT_TRUE(shown) << as(b, "GET", "/api/v1/api-keys").body;
    EXPECT_EQ(as(b, "GET", "/api/v1/api-keys").body.find(secret), std::string::npos);
    auto const key_id = std::to_string(key.json().at("id").as_int64());
    EXPECT_EQ(as(b, "DELETE", "/api/v1/api-keys/" + key_id).status, 204);
    EXPECT_EQ(api(ll->port(), "GET", "/api/v1/links", secret).status, 401);
}

TEST_F(dashboard_auth, repeated_failures_are_throttled_per_account)
{
    auto const password = add_user("victim@example.com", "owner");
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(post_login("victim@example.com", "wrong-password").status, 401);
    auto const throttled = post_login("victim@example.com", "wrong-password");
    EXPECT_EQ(throttled.status, 429);
    EXPECT_GT(std::stoi(throttled.header("Retry-After")), 0);
    // The right password waits too, or guessing would go on.
    EXPECT_EQ(post_login("victim@example.com", password).status, 429);
    // Another account from the same address is not locked out.
    auto const other = add_user("other@example.com", "owner");
    EXPECT_EQ(post_login("other@example.com", other).status, 303);
}

// Guesses sent all at once: each is counted before any password is checked, so no more than
// the free failures get a password check, however many the pool could run side by side.
TEST_F(dashboard_auth, guesses_sent_together_get_no_more_checks_than_guesses_sent_one_by_one)
{
    instance own("login_burst", {{"LINKLEDGER_DB_POOL_SIZE", "8"}});
    auto const created = run_linkledger({"user", "add", "--email", "burst@example.com", "--role", "owner"},
                                        {{"LINKLEDGER_DATABASE_URL", own.db().url()}});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    std::vector<std::future<int>> replies;
    for (int i = 0; i < 16; ++i)
        replies.push_back(std::async(std::launch::async, [&] {
            return post_login("burst@example.com", "wrong-password", "/dashboard", "", own.port()).status;
        }));
    int refused = 0, throttled = 0;
    for (auto& r : replies) {
        auto const status = r.get();
        refused += status == 401;
        throttled += status == 429;
    }
    EXPECT_EQ(refused, 5);
    EXPECT_EQ(throttled, 11);
    EXPECT_EQ(own.db().query_value("SELECT failures FROM login_failures WHERE key = 'email:burst@example.com'"), "5");
    // The right password from the same address, for another account, is let in and leaves the
    // address's count as it found it.
    auto const other = run_linkledger({"user", "add", "--email", "calm@example.com", "--role", "owner"},
                                      {{"LINKLEDGER_DATABASE_URL", own.db().url()}});
    ASSERT_EQ(other.exit_code, 0) << other.err;
    EXPECT_EQ(post_login("calm@example.com", last_line(other.out), "/dashboard", "", own.port()).status, 303);
    EXPECT_EQ(own.db().query_value("SELECT failures FROM login_failures WHERE key LIKE 'ip:%'"), "5");
}

// Two instances behind one load balancer, and a restart: one throttle, kept in PostgreSQL.
TEST_F(dashboard_auth, two_instances_and_a_restart_enforce_one_login_throttle)
{
    auto const password = add_user("shared@example.com", "owner");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(post_login("shared@example.com", "wrong-password").status, 401);
    {
        server_process other(ll->db().url());
        for (int i = 0; i < 2; ++i)
            EXPECT_EQ(post_login("shared@example.com", "wrong-password", "/dashboard", "", other.port()).status, 401);
        // The sixth failure in all, on either instance, is refused: the count is one.
        EXPECT_EQ(post_login("shared@example.com", password, "/dashboard", "", other.port()).status, 429);
    }
    EXPECT_EQ(post_login("shared@example.com", password).status, 429);
    {
        server_process restarted(ll->db().url());
        EXPECT_EQ(post_login("shared@example.com", password, "/dashboard", "", restarted.port()).status, 429);
    }
    // Each attempt is in the audit log, never with the password.
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM audit_log WHERE actor_name = 'shared@example.com' "
                                   "AND action = 'login.failed'"),
              "5");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM audit_log WHERE actor_name = 'shared@example.com' "
                                   "AND action = 'login.throttled'"),
              "3");
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM audit_log WHERE summary LIKE '%wrong-password%'"), "0");
}

TEST_F(dashboard_auth, a_successful_login_is_audited)
{
    auto const password = add_user("audited@example.com", "viewer");
    log_in("audited@example.com", password);
    EXPECT_EQ(ll->db().query_value("SELECT action || ' ' || summary FROM audit_log WHERE actor_name = "
                                   "'audited@example.com' ORDER BY id DESC LIMIT 1"),
              "login role=viewer");
}

TEST_F(dashboard_auth, dashboard_assets_carry_security_headers)
{
    for (auto const& [path, type] : std::vector<std::pair<std::string, std::string>>{
             {"/dashboard/app.js", "text/javascript; charset=utf-8"},
             {"/dashboard/app.css", "text/css; charset=utf-8"},
             {"/login", "text/html; charset=utf-8"}}) {
        auto const reply = send(ll->port(), {"GET", path, "", {}});
        EXPECT_EQ(reply.status, 200) << path;
        EXPECT_EQ(reply.header("Content-Type"), type) << path;
        EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff");
        auto const csp = reply.header("Content-Security-Policy");
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
        EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    }
    EXPECT_EQ(send(ll->port(), {"GET", "/dashboard/nope.js", "", {}}).status, 404);
    EXPECT_EQ(send(ll->port(), {"GET", "/dashboard", "", {}}).status, 303);
}

} // namespace

// Two owners removed at once: one of them stays. Each removal counted the owners in a snapshot
// that did not see the other's, and both went (a hostile probe's 204, 204 and no owner left).
// The first owner's row is held for a moment by the test so that the two always meet.
TEST(owners, two_removed_at_once_leave_one)
{
    instance ll("owner_race");
    for (auto const* email : {"first@example.com", "second@example.com"}) {
        auto const added = run_linkledger({"user", "add", "--email", email, "--role", "owner"},
                                          {{"LINKLEDGER_DATABASE_URL", ll.db().url()}});
        ASSERT_EQ(added.exit_code, 0) << added.err;
    }
    ASSERT_EQ(ll.db().query_value("SELECT count(*) FROM users WHERE role = 'owner'"), "2");
    auto const first = ll.db().query_value("SELECT min(id) FROM users WHERE role = 'owner'");
    auto const second = ll.db().query_value("SELECT max(id) FROM users WHERE role = 'owner'");
    ASSERT_NE(first, second);
    std::thread holder([&] {
        ll.db().execute("BEGIN; SELECT 1 FROM users WHERE id = " + first + " FOR UPDATE; SELECT pg_sleep(1.5); COMMIT;");
    });
    auto const held = ll.db().wait_for_value("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                                             "AND datname = current_database()",
                                             "1");
    http_reply a, b;
    std::thread remove_first([&] { a = ll.api("DELETE", "/api/v1/users/" + first); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::thread remove_second([&] { b = ll.api("DELETE", "/api/v1/users/" + second); });
    remove_first.join();
    remove_second.join();
    holder.join();
    ASSERT_EQ(held, "1") << "the test's lock was never held";
    EXPECT_EQ((std::multiset<int>{a.status, b.status}), (std::multiset<int>{204, 409})) << a.body << b.body;
    EXPECT_EQ(ll.db().query_value("SELECT count(*) FROM users WHERE role = 'owner'"), "1");
}
