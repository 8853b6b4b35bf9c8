#include "audit/audit_log.hpp"

#include "clicks/text_sanitizer.hpp"
#include "db/json_rows.hpp"
#include "db/utc_timestamp.hpp"

#include <pqxx/pqxx>

#include <array>
#include <charconv>

namespace linkledger::audit {
namespace {

// Resources whose plural is not the singular plus "s".
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> k_singular{{
    {"income", "income"},
    {"profile", "profile"},
    {"api-keys", "api_key"},
}};

// Routes whose action is not what the method and the shape of the path say.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> k_named_actions{{
    {"POST /api/v1/users", "user.add"},
    {"DELETE /api/v1/users/{id}", "user.remove"},
    {"POST /api/v1/offers/{id}/postback-token", "offer.rotate_postback_token"},
    {"POST /api/v1/offers/{id}/webhook-secret", "offer.rotate_webhook_secret"},
    {"POST /api/v1/offers/{id}/secrets", "offer.rotate_secrets"},
}};

// Fields of an answer that describe what changed without giving anything away. Keys,
// passwords, tokens, secrets and postback URLs are not here, and must never be.
constexpr std::array<std::string_view, 15> k_summary_fields{
    "slug", "name", "email", "role", "code", "title", "handle", "platform", "status", "active",
    "currency", "imported", "created", "updated", "unchanged"};

constexpr std::size_t k_max_value_bytes = 60;
// What summary_of takes from an answer: a few short fields.
constexpr std::size_t k_max_summary_bytes = 300;
// What an entry keeps (migration 0036): a sale's intake entry is its figures, then every warning
// its sender was told, each up to 400 bytes (money/intake_audit). Cut at 300 like an answer's
// fields, the first warning lost its end and the second never survived.
constexpr std::size_t k_max_stored_summary_bytes = 4000;

std::string underscored(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        if (c == '-')
            c = '_';
    return out;
}

std::string singular(std::string_view resource)
{
    for (auto const& [plural, one] : k_singular)
        if (plural == resource)
            return std::string(one);
    if (resource.size() > 1 && resource.back() == 's')
        resource.remove_suffix(1);
    return underscored(resource);
}

std::vector<std::string_view> segments(std::string_view path)
{
    std::vector<std::string_view> out;
    while (!path.empty()) {
        auto const end = path.find('/');
        if (end != 0)
            out.push_back(path.substr(0, end));
        if (end == std::string_view::npos)
            break;
        path.remove_prefix(end + 1);
    }
    return out;
}

constexpr char const* k_insert = R"sql(
    INSERT INTO audit_log (actor_kind, actor_id, actor_name, action, target_id, summary, ip)
    VALUES ($1::text, $2::bigint,
            COALESCE(NULLIF($3::text, ''),
                     (SELECT name FROM api_keys WHERE id = $2::bigint AND $1::text = 'api_key'), '?'),
            $4, $5, $6, NULLIF($7::text, '')))sql";

constexpr auto k_list = "SELECT id, " + db::utc_timestamp<db::time_precision::milliseconds>("at") + R"sql( AS at,
           actor_kind, actor_id, actor_name, action, target_id, summary, ip
    FROM audit_log WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2)sql";

} // namespace

void record(pqxx::transaction_base& tx, entry const& e)
{
    // Cut at a character boundary: half a UTF-8 character would make PostgreSQL refuse the
    // entry, and with it the change it records.
    tx.exec_params0(k_insert, e.actor_kind, e.actor_id, e.actor_name, e.action, e.target_id,
                    clicks::storable_text(e.summary, k_max_stored_summary_bytes), e.ip);
}

void record(pqxx::connection& conn, entry const& e)
{
    pqxx::work tx(conn);
    record(tx, e);
    tx.commit();
}

void record_change(pqxx::transaction_base& tx, http::request_context const& ctx,
                   boost::json::object const& answer)
{
    auto const& who = ctx.who.value();
    bool const by_key = who.kind == http::principal::via::api_key;
    entry e;
    e.actor_kind = by_key ? "api_key" : "user";
    e.actor_id = who.id;
    e.actor_name = by_key ? "" : who.email;
    e.action = action_for(ctx.req.method(), ctx.route_pattern);
    e.target_id = target_of(ctx.path_params, answer);
    e.summary = summary_of(answer);
    e.ip = ctx.remote_ip;
    record(tx, e);
}

boost::json::array list(pqxx::connection& conn, int limit, std::int64_t before_id)
{
    pqxx::read_transaction tx(conn);
    boost::json::array out;
    for (auto const& row : tx.exec_params(k_list.c_str(), before_id, limit))
        out.push_back(db::row_to_json(row));
    return out;
}

std::string action_for(http::verb method, std::string_view pattern)
{
    std::string const key = std::string(http::bhttp::to_string(method)) + " " + std::string(pattern);
    for (auto const& [route, action] : k_named_actions)
        if (route == key)
            return std::string(action);
    auto parts = segments(pattern);
    if (parts.size() >= 2 && parts[0] == "api" && parts[1] == "v1")
        parts.erase(parts.begin(), parts.begin() + 2);
    if (parts.empty())
        return "unknown." + std::string(http::bhttp::to_string(method));
    auto const resource = singular(parts[0]);
    // A last segment that is not a placeholder names the action: POST .../import.
    if (parts.size() >= 2 && !parts.back().starts_with('{'))
        return resource + "." + underscored(parts.back());
    bool const item = parts.size() >= 2 || resource == "profile";
    switch (method) {
    case http::verb::post: return resource + (item ? ".update" : ".create");
    case http::verb::put:
    case http::verb::patch: return resource + ".update";
    case http::verb::delete_: return resource + (resource == "api_key" ? ".revoke" : ".delete");
    default: return resource + "." + std::string(http::bhttp::to_string(method));
    }
}

std::string summary_of(boost::json::object const& answer)
{
    std::string out;
    for (auto const field : k_summary_fields) {
        auto const* value = answer.if_contains(field);
        if (value == nullptr || value->is_null() || value->is_object() || value->is_array())
            continue;
        std::string text;
        if (value->is_string())
            text = std::string(value->as_string());
        else if (value->is_bool())
            text = value->as_bool() ? "true" : "false";
        else if (value->is_int64())
            text = std::to_string(value->as_int64());
        else
            continue;
        if (text.size() > k_max_value_bytes)
            text = clicks::storable_text(text, k_max_value_bytes) + "...";
        if (!out.empty())
            out.push_back(' ');
        out += std::string(field) + "=" + text;
        if (out.size() > k_max_summary_bytes)
            break;
    }
    return out.substr(0, k_max_summary_bytes);
}

std::optional<std::int64_t> target_of(std::map<std::string, std::string> const& path_params,
                                      boost::json::object const& answer)
{
    if (auto const it = path_params.find("id"); it != path_params.end()) {
        std::int64_t id = 0;
        auto const* end = it->second.data() + it->second.size();
        auto const [ptr, ec] = std::from_chars(it->second.data(), end, id);
        if (ec == std::errc{} && ptr == end)
            return id;
        return std::nullopt;
    }
    if (auto const* id = answer.if_contains("id"); id != nullptr && id->is_int64())
        return id->as_int64();
    return std::nullopt;
}

} // namespace linkledger::audit
