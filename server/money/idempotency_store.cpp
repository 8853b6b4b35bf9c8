#include "money/idempotency_store.hpp"

#include "crypto/digest.hpp"
#include "http/http_error.hpp"
#include "http/json_text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <optional>
#include <string>

namespace linkledger::money {
namespace {

// The two-integer form of advisory locks, class 1282 (1280 is the login throttle's, 1281 the offers').
// A hash collision between two keys in flight at once only gives one of them a 409 to retry.
constexpr char const* k_try_lock = "SELECT pg_try_advisory_xact_lock(1282, hashtext($1))";

constexpr char const* k_find = R"sql(
SELECT fingerprint, status, body FROM idempotency_keys
WHERE caller_kind = $1 AND caller_id = $2 AND key_sha256 = $3 AND created_at > now() - interval '24 hours'
)sql";

// A row of the same key past its 24 hours is taken over; a live one is left alone (no row
// written: the booking is then rolled back).
constexpr char const* k_keep = R"sql(
INSERT INTO idempotency_keys AS k (caller_kind, caller_id, key_sha256, fingerprint, status, body)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (caller_kind, caller_id, key_sha256) DO UPDATE
SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status, body = EXCLUDED.body, created_at = now()
WHERE k.created_at <= now() - interval '24 hours'
)sql";

// Nearly always none has expired: one probe of the created_at index, which locks no row.
constexpr char const* k_any_expired =
    "SELECT 1 FROM idempotency_keys WHERE created_at <= now() - interval '24 hours' LIMIT 1";

// A batch at a time, so no statement holds many rows' locks for long; rows another transaction
// holds (a key being taken over) are skipped, not waited for. The batch is chosen once (a CTE),
// where a LIMIT under IN could be scanned again by the plan and delete more than it.
constexpr char const* k_forget_expired = R"sql(
WITH expired AS (
    SELECT ctid FROM idempotency_keys
    WHERE created_at <= now() - interval '24 hours' LIMIT $1 FOR UPDATE SKIP LOCKED)
DELETE FROM idempotency_keys k USING expired WHERE k.ctid = expired.ctid
)sql";

// What a summary keeps of the answer's members, in all: the counts and file-wide lists of an
// import fit many times over; its per-row list never does past a few hundred rows.
constexpr std::size_t k_max_summary_member_bytes = 64 * 1024;

struct keyed_request {
    std::string caller_kind;
    std::int64_t caller_id = 0;
    crypto::sha256_digest key_sha256{};
    crypto::sha256_digest fingerprint{};

    pqxx::binarystring key() const { return {key_sha256.data(), key_sha256.size()}; }
    pqxx::binarystring print() const { return {fingerprint.data(), fingerprint.size()}; }
};

http::http_error key_in_flight()
{
    return http::http_error(http::status::conflict, "idempotency_key_in_use",
                            "a request with this Idempotency-Key is still being processed: send it again in "
                            "a moment to get its answer",
                            http::k_idempotency_key_header);
}

// The answer kept for the key, or nothing when it is new (or expired).
std::optional<http::kept_answer> kept_for(pqxx::work& tx, keyed_request const& r)
{
    auto const lock_name = r.caller_kind + "/" + std::to_string(r.caller_id) + "/" +
                           crypto::to_hex({reinterpret_cast<char const*>(r.key_sha256.data()), r.key_sha256.size()});
    if (!tx.exec_params1(k_try_lock, lock_name)[0].as<bool>())
        throw key_in_flight();
    auto const rows = tx.exec_params(k_find, r.caller_kind, r.caller_id, r.key());
    if (rows.empty())
        return std::nullopt;
    pqxx::binarystring const stored(rows[0][0]);
    if (stored.size() != r.fingerprint.size() ||
        !std::equal(r.fingerprint.begin(), r.fingerprint.end(), stored.data()))
        throw http::http_error(http::status::unprocessable_entity, "idempotency_key_reused",
                               "this Idempotency-Key was sent with another request (method, path or body) in "
                               "the last 24 hours: a new operation needs a new key",
                               http::k_idempotency_key_header);
    return http::kept_answer{rows[0][1].as<unsigned>(), rows[0][2].as<std::string>(), true};
}

void keep(pqxx::work& tx, keyed_request const& r, http::kept_answer const& answer)
{
    auto const written = tx.exec_params(k_keep, r.caller_kind, r.caller_id, r.key(), r.print(),
                                        static_cast<int>(answer.status), answer.body)
                             .affected_rows();
    if (written == 0)
        throw key_in_flight();
}

} // namespace

http::kept_answer answer_to_keep(http::kept_answer const& given, boost::json::value const& body)
{
    if (given.body.size() <= k_max_kept_answer_bytes)
        return given;
    boost::json::object summary;
    boost::json::array left_out;
    std::size_t room = k_max_summary_member_bytes;
    if (auto const* members = body.if_object())
        for (auto const& [name, value] : *members) {
            auto const size = http::json_text(value).size() + name.size();
            if (size <= room) {
                summary[name] = value;
                room -= size;
            } else {
                left_out.emplace_back(name);
            }
        }
    auto const bytes = std::to_string(given.body.size());
    summary["not_kept"] = {
        {"members", std::move(left_out)},
        {"answer_bytes", given.body.size()},
        {"limit_bytes", k_max_kept_answer_bytes},
        {"message", "the first answer to this Idempotency-Key was " + bytes + " bytes, more than the " +
                        std::to_string(k_max_kept_answer_bytes) +
                        " kept for a replay: this replay has its other members, as the first answer gave them; "
                        "what it booked stays booked once"}};
    return {given.status, http::json_text(summary) + "\n", given.replayed};
}

std::int64_t forget_expired_keys(pqxx::connection& conn, int limit)
{
    pqxx::work tx(conn);
    // Housekeeping never queues behind a LOCK TABLE or an index being built: the late clicks'
    // sweep shares its thread, and the next tick tries again.
    tx.exec0("SET LOCAL lock_timeout = '1s'");
    if (tx.exec(k_any_expired).empty())
        return 0;
    auto const forgotten = tx.exec_params(k_forget_expired, limit).affected_rows();
    tx.commit();
    return static_cast<std::int64_t>(forgotten);
}

http::net::awaitable<http::kept_answer> book_once(db::database& db, http::request_context const& ctx,
                                                  std::function<booked(pqxx::work&)> book)
{
    std::optional<keyed_request> keyed;
    if (auto const key = http::idempotency_key(ctx.req)) {
        auto const& who = ctx.who.value();
        keyed = keyed_request{who.kind == http::principal::via::api_key ? "api_key" : "user", who.id,
                              crypto::sha256(*key), http::request_fingerprint(ctx.req)};
    }
    // Not a coroutine: what the work needs is moved into it (see db::database::run).
    return db.run([keyed = std::move(keyed), book = std::move(book)](pqxx::connection& conn) {
        pqxx::work tx(conn);
        if (keyed)
            if (auto kept = kept_for(tx, *keyed))
                return std::move(*kept);
        auto const made = book(tx);
        http::kept_answer answer{static_cast<unsigned>(made.status), http::json_text(made.body) + "\n"};
        // Only a 2xx is kept (the table refuses others): a booking that throws never gets here.
        if (keyed && made.status >= http::status::ok && made.status < http::status::multiple_choices)
            keep(tx, *keyed, answer_to_keep(answer, made.body));
        tx.commit();
        return answer;
    });
}

} // namespace linkledger::money
