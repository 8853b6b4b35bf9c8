#include "money/promo_code_store.hpp"

#include "money/store_rows.hpp"

#include "db/sql_errors.hpp"
#include "db/utc_timestamp.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

constexpr auto k_promo_code_columns = db::sql_text("id, code, offer_id, video_id, link_id, active, ") +
                                      db::utc_timestamp("valid_from") + ", " + db::utc_timestamp("valid_until") +
                                      ", " + db::utc_timestamp("created_at");

constexpr auto k_insert_promo_code =
    "INSERT INTO promo_codes (code, offer_id, video_id, link_id, valid_from, valid_until) "
    "VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz) RETURNING " +
    k_promo_code_columns;

constexpr auto k_find_promo_code = "SELECT " + k_promo_code_columns + " FROM promo_codes WHERE id = $1";

constexpr auto k_list_promo_codes =
    "SELECT " + k_promo_code_columns +
    " FROM promo_codes WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2";

constexpr auto k_update_promo_code = R"sql(
UPDATE promo_codes
SET video_id    = CASE WHEN $2 THEN $3 ELSE video_id END,
    link_id     = CASE WHEN $4 THEN $5 ELSE link_id END,
    valid_from  = CASE WHEN $6 THEN $7::timestamptz ELSE valid_from END,
    valid_until = CASE WHEN $8 THEN $9::timestamptz ELSE valid_until END,
    active      = COALESCE($10, active),
    updated_at  = now()
WHERE id = $1
RETURNING )sql" + k_promo_code_columns;

std::optional<std::int64_t> optional_id(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::int64_t>());
}

std::optional<std::string> optional_text(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::string>());
}

promo_code to_promo_code(pqxx::row const& row)
{
    return {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::int64_t>(),
            optional_id(row[3]),       optional_id(row[4]),      row[5].as<bool>(),
            optional_text(row[6]),     optional_text(row[7]),    row[8].as<std::string>()};
}

// The value a PATCH sets: only meaningful where the field is set at all.
template <class T>
std::optional<T> new_value(std::optional<std::optional<T>> const& change)
{
    return change.value_or(std::nullopt);
}

} // namespace

promo_code insert_promo_code(pqxx::transaction_base& tx, new_promo_code const& c)
{
    db::check_time(tx, "valid_from", c.valid_from);
    db::check_time(tx, "valid_until", c.valid_until);
    auto const row = tx.exec_params1(k_insert_promo_code.c_str(), c.code, c.offer_id, c.video_id, c.link_id,
                                     c.valid_from, c.valid_until);
    return to_promo_code(row);
}

std::optional<promo_code> find_promo_code(pqxx::connection& conn, std::int64_t id)
{
    pqxx::read_transaction tx(conn);
    return first_row(tx.exec_params(k_find_promo_code.c_str(), id), to_promo_code);
}

std::vector<promo_code> list_promo_codes(pqxx::connection& conn, std::int64_t before_id, int limit)
{
    pqxx::read_transaction tx(conn);
    return all_rows(tx.exec_params(k_list_promo_codes.c_str(), before_id, limit), to_promo_code);
}

std::optional<promo_code> update_promo_code(pqxx::transaction_base& tx, std::int64_t id, promo_code_changes const& c)
{
    db::check_time(tx, "valid_from", new_value(c.valid_from));
    db::check_time(tx, "valid_until", new_value(c.valid_until));
    auto updated = first_row(tx.exec_params(
        k_update_promo_code.c_str(), id, c.video_id.has_value(), new_value(c.video_id), c.link_id.has_value(),
        new_value(c.link_id), c.valid_from.has_value(), new_value(c.valid_from), c.valid_until.has_value(),
        new_value(c.valid_until), c.active), to_promo_code);
    return updated;
}

} // namespace linkledger::money
