#include "events/endpoint_store.hpp"

#include "db/json_rows.hpp"
#include "db/pg_array.hpp"

#include <boost/json.hpp>
#include <pqxx/pqxx>

namespace linkledger::events {
namespace {

constexpr char const* k_endpoint_columns = R"sql(
SELECT e.id, e.url, to_json(e.events)::text, e.format, e.active, e.description, e.disabled_reason,
       e.consecutive_failures,
       CASE WHEN e.previous_secret_until > now()
            THEN to_char(e.previous_secret_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
       to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(e.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM webhook_endpoints e
)sql";

constexpr char const* k_insert_endpoint =
    "INSERT INTO webhook_endpoints (url, events, format, active, description, secret) "
    "VALUES ($1, $2::text[], $3, $4, $5, $6) RETURNING id";

constexpr char const* k_update_endpoint = R"sql(
UPDATE webhook_endpoints
SET url         = CASE WHEN $2 THEN $3 ELSE url END,
    events      = CASE WHEN $4 THEN $5::text[] ELSE events END,
    format      = CASE WHEN $6 THEN $7 ELSE format END,
    active      = CASE WHEN $8 THEN $9 ELSE active END,
    disabled_reason = CASE WHEN $8 AND $9 THEN NULL ELSE disabled_reason END,
    consecutive_failures = CASE WHEN $8 AND $9 THEN 0 ELSE consecutive_failures END,
    description = CASE WHEN $10 THEN $11 ELSE description END,
    updated_at  = now()
WHERE id = $1
)sql";

constexpr char const* k_rotate_secret = R"sql(
UPDATE webhook_endpoints
SET previous_secret = secret, previous_secret_until = now() + make_interval(hours => $3),
    secret = $2, updated_at = now()
WHERE id = $1
)sql";

// A ping goes to this endpoint only, whatever it subscribed to. Locked as its delivery's
// foreign key would: a ping sent while the endpoint is being deleted finds nothing (404)
// instead of failing on the key.
constexpr char const* k_enqueue_ping = R"sql(
WITH endpoint AS (SELECT id FROM webhook_endpoints WHERE id = $1 FOR KEY SHARE),
     event AS (
        INSERT INTO webhook_events (type, data)
        SELECT 'ping', json_build_object('webhook_endpoint_id', id) FROM endpoint
        RETURNING id)
INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id)
SELECT endpoint.id, event.id, 'msg_' || replace(gen_random_uuid()::text, '-', '') FROM endpoint, event
RETURNING event_id, id AS delivery_id, message_id AS webhook_id
)sql";

constexpr char const* k_delivery_columns = R"sql(
SELECT d.id, d.event_id, ev.type AS event, d.message_id AS webhook_id, d.status, d.attempts,
       d.response_code, d.latency_ms, d.response_body, d.error,
       to_char(d.next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS next_attempt_at,
       to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
       to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at,
       (SELECT COALESCE(json_agg(json_build_object(
                   'attempt', a.attempt,
                   'at', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   'response_code', a.response_code, 'latency_ms', a.latency_ms, 'error', a.error)
                   ORDER BY a.id), '[]')::text
        FROM (SELECT * FROM webhook_attempts WHERE delivery_id = d.id ORDER BY id DESC LIMIT 20) a) AS history
FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
)sql";

constexpr char const* k_resend = R"sql(
UPDATE webhook_deliveries
SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
WHERE id = $2 AND endpoint_id = $1
)sql";

std::vector<std::string> string_array(std::string const& json_text)
{
    std::vector<std::string> out;
    auto const value = boost::json::parse(json_text);
    if (value.is_array())
        for (auto const& item : value.as_array())
            if (item.is_string())
                out.emplace_back(item.as_string());
    return out;
}

webhook_endpoint to_endpoint(pqxx::row const& row)
{
    webhook_endpoint e;
    e.id = row[0].as<std::int64_t>();
    e.url = row[1].as<std::string>();
    e.events = string_array(row[2].as<std::string>());
    e.format = row[3].as<std::string>();
    e.active = row[4].as<bool>();
    e.description = row[5].as<std::string>();
    if (!row[6].is_null())
        e.disabled_reason = row[6].as<std::string>();
    e.consecutive_failures = row[7].as<int>();
    if (!row[8].is_null())
        e.previous_secret_expires_at = row[8].as<std::string>();
    e.created_at = row[9].as<std::string>();
    e.updated_at = row[10].as<std::string>();
    return e;
}

std::optional<webhook_endpoint> find_in(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const rows = tx.exec_params(std::string(k_endpoint_columns) + " WHERE e.id = $1", id);
    if (rows.empty())
        return std::nullopt;
    return to_endpoint(rows[0]);
}

boost::json::object delivery_json(pqxx::row const& row)
{
    auto out = db::row_to_json(row);
    out["history"] = boost::json::parse(out["history"].as_string());
    return out;
}

} // namespace

webhook_endpoint insert_endpoint(pqxx::transaction_base& tx, new_endpoint const& e)
{
    auto const id = tx.exec_params1(k_insert_endpoint, e.url, db::to_pg_array(e.events), e.format, e.active,
                                    e.description, e.secret)[0]
                        .as<std::int64_t>();
    auto created = find_in(tx, id);
    return *created;
}

std::vector<webhook_endpoint> list_endpoints(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    std::vector<webhook_endpoint> out;
    for (auto const& row : tx.exec(std::string(k_endpoint_columns) + " ORDER BY e.id"))
        out.push_back(to_endpoint(row));
    return out;
}

std::optional<webhook_endpoint> find_endpoint(pqxx::connection& conn, std::int64_t id)
{
    pqxx::read_transaction tx(conn);
    return find_in(tx, id);
}

std::optional<webhook_endpoint> update_endpoint(pqxx::transaction_base& tx, std::int64_t id, endpoint_changes const& c)
{
    auto const result = tx.exec_params(
        k_update_endpoint, id, c.url.has_value(), c.url.value_or(""), c.events.has_value(),
        db::to_pg_array(c.events.value_or(std::vector<std::string>{})), c.format.has_value(),
        c.format.value_or("standard"), c.active.has_value(), c.active.value_or(false),
        c.description.has_value(), c.description.value_or(""));
    if (result.affected_rows() == 0)
        return std::nullopt;
    auto updated = find_in(tx, id);
    return updated;
}

bool delete_endpoint(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const deleted = tx.exec_params("DELETE FROM webhook_endpoints WHERE id = $1", id).affected_rows();
    // Events nobody else is to receive go too.
    tx.exec("DELETE FROM webhook_events ev WHERE NOT EXISTS "
            "(SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id)");
    return deleted > 0;
}

std::optional<webhook_endpoint> rotate_secret(pqxx::transaction_base& tx, std::int64_t id, std::string const& secret,
                                              int overlap_hours)
{
    if (tx.exec_params(k_rotate_secret, id, secret, overlap_hours).affected_rows() == 0)
        return std::nullopt;
    auto rotated = find_in(tx, id);
    return rotated;
}

std::optional<boost::json::object> enqueue_ping(pqxx::transaction_base& tx, std::int64_t endpoint_id)
{
    auto const rows = tx.exec_params(k_enqueue_ping, endpoint_id);
    if (rows.empty())
        return std::nullopt;
    tx.exec("SELECT pg_notify('linkledger_webhooks', '')");
    auto out = db::row_to_json(rows[0]);
    return out;
}

std::vector<boost::json::object> list_deliveries(pqxx::connection& conn, std::int64_t endpoint_id,
                                                 std::int64_t before_id, int limit)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(std::string(k_delivery_columns) +
                                         " WHERE d.endpoint_id = $1 AND ($2::bigint = 0 OR d.id < $2::bigint)"
                                         " ORDER BY d.id DESC LIMIT $3",
                                     endpoint_id, before_id, limit);
    std::vector<boost::json::object> out;
    out.reserve(rows.size());
    for (auto const& row : rows)
        out.push_back(delivery_json(row));
    return out;
}

std::optional<boost::json::object> resend_delivery(pqxx::transaction_base& tx, std::int64_t endpoint_id,
                                                   std::int64_t delivery_id)
{
    if (tx.exec_params(k_resend, endpoint_id, delivery_id).affected_rows() == 0)
        return std::nullopt;
    tx.exec("SELECT pg_notify('linkledger_webhooks', '')");
    auto const rows = tx.exec_params(std::string(k_delivery_columns) + " WHERE d.id = $1", delivery_id);
    auto out = delivery_json(rows[0]);
    return out;
}

} // namespace linkledger::events
