#include "web/login_api.hpp"

#include "audit/audit_log.hpp"
#include "auth/password.hpp"
#include "auth/session_store.hpp"
#include "clicks/text_sanitizer.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "http/cookies.hpp"
#include "http/form_body.hpp"
#include "http/http_error.hpp"
#include "http/percent_decoding.hpp"
#include "http/rate_limiter.hpp"
#include "http/response.hpp"
#include "logging/logging.hpp"
#include "users/user_store.hpp"
#include "web/page_headers.hpp"

#include <pqxx/pqxx>

namespace linkledger::web {
namespace {

using http::status;

// The login form's own CSRF token lives in a cookie (double submit): there is no session
// to keep it in yet, and a forged cross-site form cannot read or set our cookie.
constexpr std::string_view k_login_csrf_cookie = "ll_login_csrf";

bool prefers_french(http::request_context const& ctx)
{
    if (auto const lang = ctx.query("lang"))
        return *lang == "fr";
    auto const accept = ctx.req[http::bhttp::field::accept_language];
    return accept.size() >= 2 && (accept.substr(0, 2) == "fr" || accept.substr(0, 2) == "FR");
}

http::response redirect_to(std::string const& location)
{
    http::response res{status::see_other, 11};
    res.set(http::bhttp::field::location, location);
    res.set(http::bhttp::field::cache_control, "no-store");
    return res;
}

} // namespace

std::string local_next(std::string const& next)
{
    // Decoded again and again: a path that percent-decodes into "//host" or "/\host" is
    // read that way by some browsers and proxies. Three rounds cover "%252F"; more layers
    // than that are refused rather than trusted.
    std::string text = next;
    for (int round = 0; round < 4; ++round) {
        bool ok = text.size() < 512 && !text.empty() && text[0] == '/' &&
                  // "//host" and "/\host" are read by browsers as another site.
                  (text.size() == 1 || (text[1] != '/' && text[1] != '\\'));
        for (unsigned char c : text)
            ok = ok && c > 0x20 && c != 0x7f && c != '\\';
        if (!ok)
            return "/dashboard";
        auto const decoded = http::percent_decoded(text, http::plus_sign::literal);
        if (decoded == text)
            return next;
        text = decoded;
    }
    return "/dashboard";
}

login_api::login_api(db::database& db, bool secure_cookies)
    : db_(db), secure_cookies_(secure_cookies),
      addresses_(auth::login_throttle::limits{.free_failures = 20}),
      decoy_hash_(auth::hash_password(crypto::random_string(20, crypto::k_base62)))
{
}

void login_api::add_routes(http::router& routes)
{
    auto bind = [this](auto member) {
        return [this, member](http::request_context& ctx) { return (this->*member)(ctx); };
    };
    http::route_options const form_post{.max_body_bytes = 4 * 1024};
    routes.add(http::verb::get, "/login", bind(&login_api::form));
    routes.add(http::verb::post, "/login", bind(&login_api::log_in), form_post);
    routes.add(http::verb::post, "/logout", bind(&login_api::log_out), form_post);
    routes.add(http::verb::get, "/api/v1/session", bind(&login_api::whoami),
               {.requires_api_key = true});
}

http::response login_api::login_page(http::request_context& ctx, http::status s,
                                     std::string const& next, std::string const& error_en,
                                     std::string const& error_fr) const
{
    bool const fr = prefers_french(ctx);
    auto const csrf = crypto::random_string(32, crypto::k_base62);
    auto const& error = fr ? error_fr : error_en;
    std::string page =
        std::string("<!doctype html><html lang=\"") + (fr ? "fr" : "en") +
        "\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Linkledger — " + (fr ? "Connexion" : "Log in") + "</title>"
        "<link rel=\"stylesheet\" href=\"/dashboard/app.css\"></head><body class=\"login\">"
        "<main class=\"login-box\"><h1>Linkledger</h1>"
        "<form method=\"post\" action=\"/login\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">"
        "<input type=\"hidden\" name=\"next\" value=\"" + http::html_escape(next) + "\">";
    if (!error.empty())
        page += "<p class=\"error\" role=\"alert\" id=\"login-error\">" + http::html_escape(error) + "</p>";
    page += std::string("<label for=\"email\">") + (fr ? "E-mail" : "Email") + "</label>"
            "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required>"
            "<label for=\"password\">" + (fr ? "Mot de passe" : "Password") + "</label>"
            "<input id=\"password\" name=\"password\" type=\"password\" "
            "autocomplete=\"current-password\" required>"
            "<button type=\"submit\">" + (fr ? "Se connecter" : "Log in") + "</button>"
            "</form><p class=\"lang-links\"><a href=\"/login?lang=fr\" lang=\"fr\">Français</a> · "
            "<a href=\"/login?lang=en\" lang=\"en\">English</a></p></main></body></html>\n";
    auto res = http::html_response(s, std::move(page));
    add_page_headers(res, k_dashboard_csp);
    res.set(http::bhttp::field::cache_control, "no-store");
    res.set(http::bhttp::field::set_cookie,
            http::set_cookie(k_login_csrf_cookie, csrf,
                             {.path = "/", .same_site = "Strict", .secure = secure_cookies_,
                              .max_age = std::chrono::seconds(3600)}));
    return res;
}

net::awaitable<http::response> login_api::form(http::request_context& ctx)
{
    co_return login_page(ctx, status::ok, local_next(ctx.query("next").value_or("/dashboard")), "", "");
}

net::awaitable<http::response> login_api::log_in(http::request_context& ctx)
{
    auto form = http::form_body(ctx.req);
    auto const next = local_next(form["next"]);
    auto const cookie_csrf = http::cookie(ctx.req, k_login_csrf_cookie).value_or("");
    if (cookie_csrf.empty() || !crypto::constant_time_equal(cookie_csrf, form["csrf"]))
        co_return login_page(ctx, status::forbidden, next,
                             "The form expired. Please try again.",
                             "Le formulaire a expiré. Merci de réessayer.");

    std::string problem;
    // What a stranger typed: stored (throttle key, audit log) only as valid UTF-8; bytes that are
    // not can match no account anyway.
    auto const email = clicks::storable_text(users::normalized_email(form["email"], problem).value_or(form["email"]), 320);
    auto const account_key = "email:" + email;
    // An IPv6 client is throttled by its /64, as the rate limits are: one subscriber holds it all.
    auto const address_key = "ip:" + http::bucket_key(ctx.remote_ip);
    auto const& password = form["password"];
    auto const& decoy = decoy_hash_;
    // One trip to a database thread does it all: scrypt costs tens of milliseconds and never runs
    // on an I/O thread; the throttle's counts are PostgreSQL's, shared by every instance; and
    // each outcome is audited in the transaction that records it.
    struct outcome {
        std::chrono::seconds wait{0};
        std::optional<users::login_record> user;
        auth::new_session session;
    };
    auto const result = co_await db_.run([&](pqxx::connection& conn) {
        outcome out;
        audit::entry e{.actor_kind = "user", .actor_id = std::nullopt, .actor_name = email, .action = "login",
                       .target_id = std::nullopt, .summary = "", .ip = ctx.remote_ip};
        {
            pqxx::work tx(conn);
            // Always the account before the address: two attempts never wait on each other's.
            auth::login_throttle::lock(tx, account_key);
            auth::login_throttle::lock(tx, address_key);
            out.wait = std::max(accounts_.retry_after(tx, account_key), addresses_.retry_after(tx, address_key));
            if (out.wait.count() > 0) {
                e.action = "login.throttled";
                e.summary = "retry_after=" + std::to_string(out.wait.count());
                audit::record(tx, e);
                tx.commit();
                return out;
            }
            // The account's count is taken before the slow password check, under the locks: a
            // burst of guesses cannot all pass the check while the first ones are still being
            // hashed. The address's is counted once the password is known wrong: a right one
            // must not touch it, or an office behind one address would never be forgotten.
            accounts_.record_failure(tx, account_key);
            tx.commit();
        }
        out.user = users::find_login(conn, email);
        bool const good = out.user ? auth::verify_password(password, out.user->password_hash)
                                   : (auth::verify_password(password, decoy), false);
        pqxx::work tx(conn);
        if (!good) {
            out.user.reset();
            addresses_.record_failure(tx, address_key);
            e.action = "login.failed";
            audit::record(tx, e);
            tx.commit();
            return out;
        }
        accounts_.record_success(tx, account_key);
        out.session = auth::create_session(tx, out.user->id);
        e.actor_id = out.user->id;
        e.target_id = out.user->id;
        e.summary = "role=" + out.user->role;
        audit::record(tx, e);
        tx.commit();
        return out;
    });
    if (result.wait.count() > 0) {
        logging::warn("login throttled", {{"email", email},
                                          {"ip", ctx.remote_ip},
                                          {"retry_after", fmt::format("{}s", result.wait.count())}});
        auto const minutes = std::to_string((result.wait.count() + 59) / 60);
        auto res = login_page(ctx, status::too_many_requests, next,
                              "Too many failed attempts. Try again in " + minutes + " min.",
                              "Trop d'échecs. Réessayez dans " + minutes + " min.");
        res.set(http::bhttp::field::retry_after, std::to_string(result.wait.count()));
        co_return res;
    }
    if (!result.user) {
        logging::info("login failed", {{"email", email}, {"ip", ctx.remote_ip}});
        co_return login_page(ctx, status::unauthorized, next, "Wrong email or password.",
                             "E-mail ou mot de passe incorrect.");
    }
    auto const& created = result.session;
    logging::info("login", {{"user_id", result.user->id}, {"role", result.user->role}});
    auto res = redirect_to(next);
    res.insert(http::bhttp::field::set_cookie,
               http::set_cookie(k_login_csrf_cookie, "",
                                {.path = "/", .same_site = "Strict", .secure = secure_cookies_,
                                 .max_age = std::chrono::seconds(0)}));
    res.insert(http::bhttp::field::set_cookie,
               http::set_cookie(http::k_session_cookie, created.id,
                                {.path = "/", .same_site = "Lax", .secure = secure_cookies_,
                                 .max_age = std::chrono::duration_cast<std::chrono::seconds>(
                                     auth::k_session_lifetime)}));
    co_return res;
}

net::awaitable<http::response> login_api::log_out(http::request_context& ctx)
{
    auto const session_id = http::cookie(ctx.req, http::k_session_cookie).value_or("");
    if (!session_id.empty()) {
        auto const found = co_await db_.run(
            [&session_id](pqxx::connection& conn) { return auth::find_session(conn, session_id); });
        if (found) {
            // Logging someone out is a change too: a forged cross-site form must not do it.
            auto form = http::form_body(ctx.req);
            std::string presented(ctx.req["X-CSRF-Token"]);
            if (presented.empty())
                presented = form["csrf"];
            if (!crypto::constant_time_equal(presented, found->csrf_token))
                throw http::http_error(status::forbidden, "csrf_failed",
                                       "the CSRF token is missing or wrong; reload the page", "csrf");
            co_await db_.run([&session_id](pqxx::connection& conn) {
                auth::revoke_session(conn, session_id);
                return 0;
            });
        }
    }
    auto res = redirect_to("/login");
    res.set(http::bhttp::field::set_cookie,
            http::set_cookie(http::k_session_cookie, "",
                             {.path = "/", .same_site = "Lax", .secure = secure_cookies_,
                              .max_age = std::chrono::seconds(0)}));
    co_return res;
}

net::awaitable<http::response> login_api::whoami(http::request_context& ctx)
{
    auto const& who = *ctx.who;
    boost::json::object body{{"kind", who.kind == http::principal::via::session ? "session" : "api_key"},
                             {"can_change", who.can_change}};
    if (who.kind == http::principal::via::session) {
        body["user_id"] = who.id;
        body["email"] = who.email;
        body["role"] = who.role;
        body["csrf_token"] = who.csrf_token;
    }
    co_return http::json_response(status::ok, body);
}

} // namespace linkledger::web
