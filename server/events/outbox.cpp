#include "events/outbox.hpp"

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::events {
namespace {

// Each active endpoint gives at most its allowance ($4/$5: endpoint ids and slots; $3 for one
// not listed), so one slow or hanging receiver cannot take every slot of the sender. The
// deliveries are updated by `id = ANY (ARRAY(...))`: under a generic plan (below) a join on
// the CTE is planned for thousands of rows, a hash over the whole table.
constexpr char const* k_claim = R"sql(
WITH allowance AS (
    SELECT e.id, COALESCE(a.slots, $3) AS slots
    FROM webhook_endpoints e LEFT JOIN unnest($4::bigint[], $5::int[]) AS a(id, slots) ON a.id = e.id
    WHERE e.active),
due AS (
    SELECT d.id FROM allowance
    CROSS JOIN LATERAL (
        SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
        WHERE d.endpoint_id = allowance.id AND d.status = 'pending' AND d.next_attempt_at <= now()
        ORDER BY d.next_attempt_at, d.id
        LIMIT allowance.slots
        FOR UPDATE SKIP LOCKED) d
    WHERE allowance.slots > 0
    ORDER BY d.next_attempt_at, d.id
    LIMIT $1)
UPDATE webhook_deliveries d
SET attempts = d.attempts + 1, claims = d.claims + 1,
    next_attempt_at = now() + make_interval(secs => $2), updated_at = now()
FROM webhook_endpoints e, webhook_events ev
WHERE d.id = ANY (ARRAY(SELECT id FROM due)) AND e.id = d.endpoint_id AND ev.id = d.event_id
RETURNING d.id, d.endpoint_id, d.claims, d.attempts, d.message_id, e.url, e.format, e.secret,
          CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END,
          COALESCE((SELECT language FROM profile), 'fr'),
          ev.type, to_char(ev.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          ev.data::text, ev.context::text
)sql";

// A claimed delivery given back unsent (claimed ahead, then its sender stopped or its endpoint
// failed): due at once again, its attempt not counted. Only by the claim that holds it.
constexpr char const* k_release = R"sql(
UPDATE webhook_deliveries d
SET attempts = d.attempts - 1, next_attempt_at = now(), updated_at = now()
FROM unnest($1::bigint[], $2::bigint[]) AS r(id, claim)
WHERE d.id = r.id AND d.claims = r.claim AND d.status = 'pending'
)sql";

constexpr char const* k_record_delivery = R"sql(
UPDATE webhook_deliveries
SET status = CASE WHEN $3 THEN 'succeeded' WHEN $8 THEN 'pending' ELSE 'failed' END,
    next_attempt_at = CASE WHEN $3 THEN NULL WHEN $8 THEN now() + make_interval(secs => $9) END,
    response_code = $4, latency_ms = $5, response_body = $6, error = NULLIF($7, ''), updated_at = now()
WHERE id = $1 AND claims = $2
)sql";

constexpr char const* k_record_attempt =
    "INSERT INTO webhook_attempts (delivery_id, attempt, response_code, latency_ms, error) "
    "VALUES ($1, $2, $3, $4, NULLIF($5, ''))";

constexpr char const* k_endpoint_succeeded =
    "UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0";

constexpr char const* k_endpoint_failed = R"sql(
UPDATE webhook_endpoints
SET consecutive_failures = consecutive_failures + 1,
    disabled_reason = CASE WHEN $2 THEN 'gone' WHEN consecutive_failures + 1 >= $3 THEN 'failures'
                           ELSE disabled_reason END,
    active = active AND NOT $2 AND consecutive_failures + 1 < $3,
    updated_at = now()
WHERE id = $1 AND active
RETURNING active, disabled_reason
)sql";

// $1: a JSON array of {id, claim, attempt, code, latency_ms, body}; $2 the same ids as an
// array, so the deliveries are found by their key (the planner takes any set-returning
// function for 100 rows, and would scan the whole table to join them).
constexpr char const* k_record_successes = R"sql(
WITH x AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS x(id bigint, claim bigint, attempt int, code int, latency_ms bigint, body text)),
done AS (
    UPDATE webhook_deliveries d
    SET status = 'succeeded', next_attempt_at = NULL, response_code = x.code, latency_ms = x.latency_ms,
        response_body = x.body, error = NULL, updated_at = now()
    FROM x
    WHERE d.id = ANY($2::bigint[]) AND d.id = x.id AND d.claims = x.claim
    RETURNING d.id, d.endpoint_id, x.attempt, x.code, x.latency_ms),
attempts AS (
    INSERT INTO webhook_attempts (delivery_id, attempt, response_code, latency_ms)
    SELECT id, attempt, code, latency_ms FROM done)
UPDATE webhook_endpoints SET consecutive_failures = 0
WHERE id IN (SELECT endpoint_id FROM done) AND consecutive_failures <> 0
)sql";

constexpr char const* k_lock_endpoints =
    "SELECT id FROM webhook_endpoints WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE";

constexpr char const* k_prune_deliveries =
    "DELETE FROM webhook_deliveries WHERE created_at < now() - make_interval(days => $1)";
constexpr char const* k_prune_events =
    "DELETE FROM webhook_events ev WHERE ev.occurred_at < now() - make_interval(days => $1) "
    "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id)";

constexpr char const* k_queue_stats = R"sql(
SELECT count(*), COALESCE(EXTRACT(epoch FROM now() - min(d.created_at)), 0)::float8,
       (SELECT count(*) FROM webhook_endpoints WHERE NOT active AND disabled_reason IS NOT NULL)
FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
WHERE d.status = 'pending' AND e.active
)sql";

// pqxx 6.4 has no array parameters: PostgreSQL's array literal, of integers only.
template <class Number>
std::string array_literal(std::vector<Number> const& values)
{
    std::string out = "{";
    for (auto const v : values) {
        if (out.size() > 1)
            out += ',';
        out += std::to_string(v);
    }
    return out + '}';
}

} // namespace

void prepare_outbox(pqxx::connection& conn)
{
    // Planned once, not at each run: PostgreSQL keeps re-planning these statements for their
    // parameters (their generic plans looked dear), and planning the claim and the successes
    // cost it about 2 ms a transaction, more than running them. The generic plans use the
    // same indexes (EXPLAIN ANALYZE, 20,000 deliveries: claim of 24 0.7 ms against 2.2 ms).
    conn.set_variable("plan_cache_mode", "force_generic_plan");
    conn.prepare("outbox_claim", k_claim);
    conn.prepare("outbox_record_delivery", k_record_delivery);
    conn.prepare("outbox_record_attempt", k_record_attempt);
    conn.prepare("outbox_endpoint_succeeded", k_endpoint_succeeded);
    conn.prepare("outbox_endpoint_failed", k_endpoint_failed);
    conn.prepare("outbox_record_successes", k_record_successes);
    conn.prepare("outbox_release", k_release);
    conn.prepare("outbox_lock_endpoints", k_lock_endpoints);
}

void lock_endpoints(pqxx::transaction_base& tx, std::vector<std::int64_t> endpoint_ids)
{
    if (endpoint_ids.empty())
        return;
    std::sort(endpoint_ids.begin(), endpoint_ids.end());
    endpoint_ids.erase(std::unique(endpoint_ids.begin(), endpoint_ids.end()), endpoint_ids.end());
    tx.exec_prepared("outbox_lock_endpoints", array_literal(endpoint_ids));
}

std::vector<claimed_delivery> claim_due(pqxx::transaction_base& tx, int limit, std::chrono::seconds lease,
                                        endpoint_slots const& slots)
{
    std::vector<std::int64_t> ids;
    std::vector<int> free;
    for (auto const& [id, n] : slots.free_by_endpoint) {
        ids.push_back(id);
        free.push_back(n);
    }
    auto const rows = tx.exec_prepared("outbox_claim", limit, static_cast<double>(lease.count()), slots.otherwise,
                                       array_literal(ids), array_literal(free));
    std::vector<claimed_delivery> out;
    out.reserve(rows.size());
    for (auto const& row : rows) {
        claimed_delivery d;
        d.id = row[0].as<std::int64_t>();
        d.endpoint_id = row[1].as<std::int64_t>();
        d.claim = row[2].as<std::int64_t>();
        d.attempt = row[3].as<int>();
        d.message_id = row[4].as<std::string>();
        d.url = row[5].as<std::string>();
        d.format = row[6].as<std::string>();
        d.secrets.push_back(row[7].as<std::string>());
        if (!row[8].is_null())
            d.secrets.push_back(row[8].as<std::string>());
        d.language = row[9].as<std::string>();
        d.event.type = row[10].as<std::string>();
        d.event.occurred_at = row[11].as<std::string>();
        d.event.data = row[12].as<std::string>();
        d.event.context = row[13].as<std::string>();
        out.push_back(std::move(d));
    }
    return out;
}

std::optional<std::string> record_attempt(pqxx::transaction_base& tx, claimed_delivery const& d,
                                          attempt_outcome const& o,
                                          std::optional<std::chrono::milliseconds> retry_in, bool gone,
                                          int failure_limit)
{
    bool const retry = !o.success && retry_in.has_value() && !gone;
    double const retry_seconds = retry_in ? static_cast<double>(retry_in->count()) / 1000.0 : 0.0;
    auto const updated = tx.exec_prepared("outbox_record_delivery", d.id, d.claim, o.success, o.response_code,
                                        o.latency_ms, o.response_head, o.error, retry, retry_seconds);
    if (updated.affected_rows() == 0)
        return std::nullopt; // a stale claim: a newer one owns the delivery
    tx.exec_prepared("outbox_record_attempt", d.id, d.attempt, o.response_code, o.latency_ms, o.error);
    if (o.success) {
        tx.exec_prepared("outbox_endpoint_succeeded", d.endpoint_id);
        return std::nullopt;
    }
    auto const endpoint = tx.exec_prepared("outbox_endpoint_failed", d.endpoint_id, gone, failure_limit);
    if (!endpoint.empty() && !endpoint[0][0].as<bool>())
        return endpoint[0][1].as<std::string>();
    return std::nullopt;
}

void record_successes(pqxx::transaction_base& tx, std::vector<succeeded_attempt> const& attempts)
{
    if (attempts.empty())
        return;
    boost::json::array rows;
    rows.reserve(attempts.size());
    std::vector<std::int64_t> ids;
    for (auto const& [d, o] : attempts) {
        ids.push_back(d->id);
        boost::json::object row{{"id", d->id},
                                {"claim", d->claim},
                                {"attempt", d->attempt},
                                {"latency_ms", o->latency_ms},
                                {"body", o->response_head}};
        row["code"] = o->response_code ? boost::json::value(*o->response_code) : boost::json::value(nullptr);
        rows.push_back(std::move(row));
    }
    tx.exec_prepared("outbox_record_successes", boost::json::serialize(rows), array_literal(ids));
}

void release(pqxx::transaction_base& tx, std::vector<claimed_delivery> const& deliveries)
{
    if (deliveries.empty())
        return;
    std::vector<std::int64_t> ids, claims;
    for (auto const& d : deliveries) {
        ids.push_back(d.id);
        claims.push_back(d.claim);
    }
    tx.exec_prepared("outbox_release", array_literal(ids), array_literal(claims));
}

std::int64_t prune(pqxx::connection& conn, int days)
{
    pqxx::work tx(conn);
    auto const deleted = tx.exec_params(k_prune_deliveries, days).affected_rows();
    tx.exec_params(k_prune_events, days);
    tx.commit();
    return static_cast<std::int64_t>(deleted);
}

queue_stats read_queue_stats(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    auto const row = tx.exec1(k_queue_stats);
    return {row[0].as<std::int64_t>(), row[1].as<double>(), row[2].as<std::int64_t>()};
}

} // namespace linkledger::events
