#include "money/conversion_store.hpp"

#include "money/store_rows.hpp"

#include "db/sql_errors.hpp"
#include "db/utc_timestamp.hpp"
#include "http/json_body.hpp"

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

constexpr auto k_conversion_select =
    db::sql_text("SELECT c.id, c.offer_id, c.txid, c.status, c.amount_minor, c.commission_minor, c.currency, "
                 "c.click_id, c.link_id, c.video_id, c.code, c.source, c.attribution, c.via, c.network_commission_minor, c.occurred_at_given, ") +
    db::utc_timestamp("c.occurred_at") + ", " + db::utc_timestamp("c.created_at") + ", " +
    db::utc_timestamp("c.updated_at") + ", linkledger_sale_adjustments(c.id), linkledger_sale_adjusted(c) FROM conversions c";

constexpr auto k_find_conversion = k_conversion_select + " WHERE c.id = $1";

constexpr auto k_list_conversions = k_conversion_select + R"sql(
WHERE ($1::bigint = 0 OR c.id < $1::bigint)
  AND ($3::bigint = 0 OR c.offer_id = $3::bigint)
  AND ($4 = '' OR c.status = $4)
  AND ($5::text IS NULL OR c.occurred_at >= CASE WHEN $7 THEN $5::timestamptz ELSE $5::timestamp AT TIME ZONE $9 END)
  AND ($6::text IS NULL OR c.occurred_at < CASE WHEN $8 THEN $6::timestamptz ELSE $6::timestamp AT TIME ZONE $9 END)
ORDER BY c.id DESC LIMIT $2)sql";

template <class T>
std::optional<T> optional_field(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<T>());
}

conversion to_conversion(pqxx::row const& row)
{
    conversion c;
    c.id = row[0].as<std::int64_t>();
    c.offer_id = row[1].as<std::int64_t>();
    c.txid = row[2].as<std::string>();
    c.status = row[3].as<std::string>();
    c.amount_minor = row[4].as<std::int64_t>();
    c.commission_minor = row[5].as<std::int64_t>();
    c.currency = row[6].as<std::string>();
    c.click_id = optional_field<std::string>(row[7]);
    c.link_id = optional_field<std::int64_t>(row[8]);
    c.video_id = optional_field<std::int64_t>(row[9]);
    c.code = optional_field<std::string>(row[10]);
    c.source = row[11].as<std::string>();
    c.attribution = row[12].as<std::string>();
    c.via = row[13].as<std::string>();
    c.network_commission_minor = optional_field<std::int64_t>(row[14]);
    c.occurred_at_given = row[15].as<bool>();
    c.occurred_at = row[16].as<std::string>();
    c.created_at = row[17].as<std::string>();
    c.updated_at = row[18].as<std::string>();
    c.adjustments = row[19].as<std::string>();
    c.adjusted = row[20].as<std::string>();
    return c;
}

template <class T>
boost::json::value or_null(std::optional<T> const& v)
{
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

} // namespace

std::optional<conversion> find_conversion(pqxx::transaction_base& tx, std::int64_t id)
{
    return first_row(tx.exec_params(k_find_conversion.c_str(), id), to_conversion);
}

std::vector<conversion> list_conversions(pqxx::transaction_base& tx, conversion_filter const& f)
{
    db::check_time(tx, "from", f.from);
    db::check_time(tx, "to", f.to);
    return all_rows(tx.exec_params(k_list_conversions.c_str(), f.before_id, f.limit, f.offer_id, f.status, f.from, f.to,
                                   f.from && http::has_utc_offset(*f.from), f.to && http::has_utc_offset(*f.to), f.zone),
                    to_conversion);
}

boost::json::object to_json(conversion const& c)
{
    return {{"id", c.id},
            {"offer_id", c.offer_id},
            {"txid", c.txid},
            {"status", c.status},
            {"amount_minor", c.amount_minor},
            {"commission_minor", c.commission_minor},
            {"network_commission_minor", or_null(c.network_commission_minor)},
            {"currency", c.currency},
            {"click_id", or_null(c.click_id)},
            {"link_id", or_null(c.link_id)},
            {"video_id", or_null(c.video_id)},
            {"code", or_null(c.code)},
            {"source", c.source},
            {"attribution", c.attribution},
            {"via", c.via},
            {"occurred_at", c.occurred_at},
            {"occurred_at_given", c.occurred_at_given},
            {"created_at", c.created_at},
            {"updated_at", c.updated_at},
            {"adjustments", boost::json::parse(c.adjustments)},
            {"adjusted", boost::json::parse(c.adjusted)}};
}

} // namespace linkledger::money
