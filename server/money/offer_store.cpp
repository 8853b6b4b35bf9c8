#include "money/offer_store.hpp"

#include "money/store_rows.hpp"

#include "crypto/digest.hpp"
#include "db/utc_timestamp.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

constexpr auto k_offer_columns =
    db::sql_text("id, name, currency, commission_type, rate_bps, amount_minor, attribution_window_days, active, "
                 "commission_base, allow_commission_above_amount, ") +
    db::utc_timestamp("created_at") + ", " + db::utc_timestamp("updated_at");

constexpr auto k_insert_offer =
    "INSERT INTO offers (name, currency, commission_type, rate_bps, amount_minor, attribution_window_days, "
    "postback_token_sha256, webhook_secret, commission_base, allow_commission_above_amount) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING " +
    k_offer_columns;

constexpr auto k_find_offer = "SELECT " + k_offer_columns + " FROM offers WHERE id = $1";

constexpr auto k_list_offers = "SELECT " + k_offer_columns +
                               " FROM offers WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2";

// A new commission type brings its own rate and amount (NULL where the type has none).
constexpr auto k_update_offer = R"sql(
UPDATE offers
SET name = COALESCE($2, name),
    commission_type = COALESCE($3, commission_type),
    rate_bps = CASE WHEN $3::text IS NULL THEN rate_bps ELSE $4 END,
    amount_minor = CASE WHEN $3::text IS NULL THEN amount_minor ELSE $5 END,
    attribution_window_days = COALESCE($6, attribution_window_days),
    active = COALESCE($7, active),
    commission_base = COALESCE($8, commission_base),
    allow_commission_above_amount = COALESCE($9, allow_commission_above_amount),
    updated_at = now()
WHERE id = $1
RETURNING )sql" + k_offer_columns;

constexpr auto k_replace_offer_secrets = R"sql(
UPDATE offers
SET postback_token_sha256 = CASE WHEN $2 THEN $3 ELSE postback_token_sha256 END,
    webhook_secret = CASE WHEN $4 THEN $5 ELSE webhook_secret END,
    updated_at = now()
WHERE id = $1
RETURNING )sql" + k_offer_columns;

std::optional<std::int64_t> optional_int(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::int64_t>());
}

offer_info to_offer_info(pqxx::row const& row)
{
    offer_info o;
    o.id = row[0].as<std::int64_t>();
    o.name = row[1].as<std::string>();
    o.currency = row[2].as<std::string>();
    o.commission = {row[3].as<std::string>(), optional_int(row[4]), optional_int(row[5])};
    o.attribution_window_days = row[6].as<int>();
    o.active = row[7].as<bool>();
    o.commission_base = row[8].as<std::string>();
    o.allow_commission_above_amount = row[9].as<bool>();
    o.created_at = row[10].as<std::string>();
    o.updated_at = row[11].as<std::string>();
    return o;
}

pqxx::binarystring token_digest(std::string const& token)
{
    auto const digest = crypto::sha256(token);
    return pqxx::binarystring(digest.data(), digest.size());
}

} // namespace

offer_info insert_offer(pqxx::transaction_base& tx, offer_terms const& o, offer_secrets const& secrets)
{
    auto const row = tx.exec_params1(k_insert_offer.c_str(), o.name, o.currency, o.commission.type,
                                     o.commission.rate_bps, o.commission.amount_minor, o.attribution_window_days,
                                     token_digest(secrets.postback_token), secrets.webhook_secret,
                                     o.commission_base, o.allow_commission_above_amount);
    return to_offer_info(row);
}

std::optional<offer_info> find_offer(pqxx::connection& conn, std::int64_t id)
{
    pqxx::read_transaction tx(conn);
    return first_row(tx.exec_params(k_find_offer.c_str(), id), to_offer_info);
}

std::vector<offer_info> list_offers(pqxx::connection& conn, std::int64_t before_id, int limit)
{
    pqxx::read_transaction tx(conn);
    return all_rows(tx.exec_params(k_list_offers.c_str(), before_id, limit), to_offer_info);
}

std::optional<offer_info> update_offer(pqxx::transaction_base& tx, std::int64_t id, offer_changes const& c)
{
    auto const& rule = c.commission;
    auto updated = first_row(tx.exec_params(
        k_update_offer.c_str(), id, c.name, rule ? std::optional(rule->type) : std::nullopt,
        rule ? rule->rate_bps : std::nullopt, rule ? rule->amount_minor : std::nullopt, c.attribution_window_days,
        c.active, c.commission_base, c.allow_commission_above_amount), to_offer_info);
    return updated;
}

std::optional<offer_info> replace_offer_secrets(pqxx::transaction_base& tx, std::int64_t id,
                                                offer_secret_changes const& c)
{
    // Unused when the token is kept: CASE never reads it, and an empty digest is never stored.
    auto const digest = c.postback_token ? token_digest(*c.postback_token) : pqxx::binarystring(std::string());
    auto replaced = first_row(tx.exec_params(k_replace_offer_secrets.c_str(), id, c.postback_token.has_value(),
                                               digest, c.webhook_secret.has_value(),
                                               c.webhook_secret.value_or("")), to_offer_info);
    return replaced;
}

} // namespace linkledger::money
