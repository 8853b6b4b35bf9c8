#include "users/users_api.hpp"

#include "audit/audit_log.hpp"
#include "auth/api_key.hpp"
#include "auth/password.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "users/user_store.hpp"

#include <pqxx/pqxx>

namespace linkledger::users {
namespace {

using http::status;

boost::json::object to_json(user const& u)
{
    return {{"id", u.id}, {"email", u.email}, {"role", u.role}, {"created_at", u.created_at}};
}

} // namespace

void users_api::add_routes(http::router& routes)
{
    http::route_options const api{.requires_api_key = true};
    auto bind = [this](auto member) {
        return [this, member](http::request_context& ctx) { return (this->*member)(ctx); };
    };
    routes.add(http::verb::get, "/api/v1/users", bind(&users_api::list_users), api);
    routes.add(http::verb::post, "/api/v1/users", bind(&users_api::create_user), api);
    routes.add(http::verb::delete_, "/api/v1/users/{id}", bind(&users_api::remove_user), api);
    routes.add(http::verb::get, "/api/v1/api-keys", bind(&users_api::list_keys), api);
    routes.add(http::verb::post, "/api/v1/api-keys", bind(&users_api::create_key), api);
    routes.add(http::verb::delete_, "/api/v1/api-keys/{id}", bind(&users_api::revoke_key), api);
}

net::awaitable<http::response> users_api::list_users(http::request_context&)
{
    auto const all = co_await db_.run([](pqxx::connection& conn) { return users::list_users(conn); });
    boost::json::array items;
    for (auto const& u : all)
        items.push_back(to_json(u));
    co_return http::json_response(status::ok, boost::json::object{{"users", std::move(items)}});
}

net::awaitable<http::response> users_api::create_user(http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"email", "role", "password"});
    auto const email_text = http::optional_string(body, "email", 254);
    if (!email_text)
        throw http::bad_field("email", "email is required", "required");
    std::string problem;
    auto const email = normalized_email(*email_text, problem);
    if (!email)
        throw http::bad_field("email", problem);
    auto const role = http::optional_string(body, "role", 10);
    if (!role || !is_role(*role))
        throw http::bad_field("role", "role must be \"owner\" or \"viewer\"");
    auto password = http::optional_string(body, "password", 200);
    bool const generated = !password;
    if (generated)
        password = auth::generate_password();
    else if (auto const why = auth::password_problem(*password); !why.empty())
        throw http::bad_field("password", why);
    auto const& chosen = *password;
    try {
        auto const created = co_await db_.run([&](pqxx::connection& conn) {
            // Hashed off the I/O threads (scrypt is slow on purpose), before the transaction opens.
            auto const hash = auth::hash_password(chosen);
            return audit::audited(conn, ctx, [&](auto& tx) { return insert_user(tx, *email, *role, hash); },
                                  [](user const& made) { return to_json(made); });
        });
        auto out = to_json(created);
        // A generated password is shown once, here; a chosen one is never echoed.
        if (generated)
            out["password"] = chosen;
        co_return http::json_response(status::created, out);
    } catch (pqxx::unique_violation const&) {
    }
    throw http::http_error(status::conflict, "email_taken", "a user with this email already exists",
                           "email");
}

net::awaitable<http::response> users_api::remove_user(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    if (ctx.who && ctx.who->kind == http::principal::via::session && ctx.who->id == id)
        throw http::http_error(status::conflict, "self_removal",
                               "you cannot remove yourself; ask another owner", "id");
    auto const removed = co_await db_.run([&](pqxx::connection& conn) {
        pqxx::work tx(conn);
        // The last owner stays: without one, nobody could manage the instance from the web.
        // Every owner is locked first, in one order: two owners removed at once each counted
        // two in a snapshot that did not see the other's removal, and both went.
        tx.exec("SELECT 1 FROM users WHERE role = 'owner' AND disabled_at IS NULL ORDER BY id FOR UPDATE");
        auto const row = tx.exec_params(
            "SELECT role, (SELECT count(*) FROM users WHERE role = 'owner' AND disabled_at IS NULL) "
            "FROM users WHERE id = $1 FOR UPDATE", id);
        if (row.empty())
            return 0;
        if (row[0][0].as<std::string>() == "owner" && row[0][1].as<std::int64_t>() <= 1)
            return -1;
        tx.exec_params("DELETE FROM users WHERE id = $1", id);
        audit::record_change(tx, ctx);
        tx.commit();
        return 1;
    });
    if (removed == 0)
        throw http::http_error(status::not_found, "not_found", "no such user", "id");
    if (removed < 0)
        throw http::http_error(status::conflict, "last_owner", "the last owner cannot be removed", "id");
    co_return http::response{status::no_content, 11};
}

net::awaitable<http::response> users_api::list_keys(http::request_context&)
{
    auto const all = co_await db_.run([](pqxx::connection& conn) { return auth::list_api_keys(conn); });
    boost::json::array items;
    for (auto const& k : all) {
        boost::json::object item{{"id", k.id}, {"name", k.name}, {"prefix", k.prefix},
                                 {"created_at", k.created_at}};
        item["last_used_at"] = k.last_used_at.empty() ? boost::json::value(nullptr)
                                                      : boost::json::value(k.last_used_at);
        items.push_back(std::move(item));
    }
    co_return http::json_response(status::ok, boost::json::object{{"api_keys", std::move(items)}});
}

net::awaitable<http::response> users_api::create_key(http::request_context& ctx)
{
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"name"});
    auto const name = http::optional_string(body, "name", 200);
    if (!name || name->empty())
        throw http::bad_field("name", "name is required (1 to 200 characters)", "required");
    auto const created = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return auth::create_api_key(tx, *name); },
                              [&](auth::new_api_key const& made) { return boost::json::object{{"id", made.id}, {"name", *name}}; });
    });
    co_return http::json_response(status::created,
                                  boost::json::object{{"id", created.id}, {"name", *name}, {"key", created.key}});
}

net::awaitable<http::response> users_api::revoke_key(http::request_context& ctx)
{
    auto const id = http::path_id(ctx.path_param("id"));
    auto const revoked = co_await db_.run([&](pqxx::connection& conn) {
        return audit::audited(conn, ctx, [&](auto& tx) { return auth::revoke_api_key(tx, id); },
                              [](bool) { return boost::json::object{}; });
    });
    if (!revoked)
        throw http::http_error(status::not_found, "not_found", "no such API key", "id");
    co_return http::response{status::no_content, 11};
}

} // namespace linkledger::users
