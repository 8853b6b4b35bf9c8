#include "auth/api_key.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "db/utc_timestamp.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>

namespace linkledger::auth {
namespace {

constexpr std::string_view k_key_marker = "ll_";
constexpr std::size_t k_prefix_length = 10;
constexpr std::size_t k_secret_length = 32; // 32 base62 characters: about 190 bits

constexpr char const* k_insert_key =
    "INSERT INTO api_keys (name, prefix, sha256) VALUES ($1, $2, $3) RETURNING id";
constexpr char const* k_find_key =
    "SELECT id, sha256, last_used_at IS NULL OR last_used_at < now() - interval '1 minute' "
    "FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL";
// Coarse on purpose: a key used all day writes its row once a minute, not once a request.
constexpr char const* k_touch_key = R"sql(
UPDATE api_keys SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
)sql";

bool is_base62(std::string_view text)
{
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isalnum(c) != 0; });
}

} // namespace

std::optional<std::string_view> api_key_prefix(std::string_view key)
{
    if (key.size() != k_key_marker.size() + k_prefix_length + 1 + k_secret_length ||
        !key.starts_with(k_key_marker))
        return std::nullopt;
    auto const prefix = key.substr(k_key_marker.size(), k_prefix_length);
    auto const separator = key[k_key_marker.size() + k_prefix_length];
    auto const secret = key.substr(k_key_marker.size() + k_prefix_length + 1);
    if (separator != '_' || !is_base62(prefix) || !is_base62(secret))
        return std::nullopt;
    return prefix;
}

new_api_key create_api_key(pqxx::transaction_base& tx, std::string const& name)
{
    auto const prefix = crypto::random_string(k_prefix_length, crypto::k_base62);
    auto const key = std::string(k_key_marker) + prefix + "_" +
                     crypto::random_string(k_secret_length, crypto::k_base62);
    auto const digest = crypto::sha256(key);
    auto const row = tx.exec_params1(k_insert_key, name, prefix,
                                     pqxx::binarystring(digest.data(), digest.size()));
    return {row[0].as<std::int64_t>(), key};
}

std::optional<std::int64_t> verify_api_key(pqxx::connection& conn, std::string_view presented)
{
    auto const prefix = api_key_prefix(presented);
    if (!prefix)
        return std::nullopt;
    auto const digest = crypto::sha256(presented);
    pqxx::work tx(conn);
    auto const rows = tx.exec_params(k_find_key, std::string(*prefix));
    if (rows.empty())
        return std::nullopt;
    pqxx::binarystring const stored(rows[0][1]);
    std::string_view const stored_view(stored.get(), stored.size());
    if (!crypto::constant_time_equal(stored_view,
                                     {reinterpret_cast<char const*>(digest.data()), digest.size()}))
        return std::nullopt;
    auto const id = rows[0][0].as<std::int64_t>();
    if (rows[0][2].as<bool>()) {
        tx.exec_params0(k_touch_key, id);
        tx.commit();
    }
    return id;
}

std::vector<api_key_info> list_api_keys(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    constexpr auto k_list_keys =
        "SELECT id, name, prefix, " + db::utc_timestamp<db::time_precision::milliseconds>("created_at") +
        ", COALESCE(" + db::utc_timestamp<db::time_precision::milliseconds>("last_used_at") +
        ", '') FROM api_keys WHERE revoked_at IS NULL ORDER BY id";
    auto const rows = tx.exec(k_list_keys.c_str());
    std::vector<api_key_info> out;
    for (auto const& row : rows)
        out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                       row[3].as<std::string>(), row[4].as<std::string>()});
    return out;
}

bool revoke_api_key(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const result =
        tx.exec_params("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", id);
    return result.affected_rows() == 1;
}

} // namespace linkledger::auth
