#include "auth/shared_rate_limiter.hpp"

#include "logging/logging.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cmath>

namespace linkledger::auth {
namespace {

// A token bucket in one statement: refill by the time since the last request (PostgreSQL's
// clock, the same for every instance), take a token when there is one, answer what is left.
// Row locks make concurrent requests of one client, on any instance, take turns.
constexpr char const* k_take_token = R"sql(
WITH now AS (SELECT clock_timestamp() AS t)
INSERT INTO rate_buckets AS b (route_class, client, tokens, at)
SELECT $1, $2, $4::float8 - 1, t FROM now
ON CONFLICT (route_class, client) DO UPDATE
SET tokens = CASE WHEN LEAST($4::float8, b.tokens + $3::float8 * EXTRACT(EPOCH FROM (SELECT t FROM now) - b.at)) >= 1
                  THEN LEAST($4::float8, b.tokens + $3::float8 * EXTRACT(EPOCH FROM (SELECT t FROM now) - b.at)) - 1
                  ELSE LEAST($4::float8, b.tokens + $3::float8 * EXTRACT(EPOCH FROM (SELECT t FROM now) - b.at)) END,
    at = (SELECT t FROM now),
    taken = LEAST($4::float8, b.tokens + $3::float8 * EXTRACT(EPOCH FROM (SELECT t FROM now) - b.at)) >= 1
RETURNING tokens, taken
)sql";

// A bucket that has refilled is worth nothing (a full bucket and no bucket behave alike).
constexpr char const* k_sweep = "DELETE FROM rate_buckets WHERE at < now() - interval '1 day'";

} // namespace

shared_rate_limiter::shared_rate_limiter(db::database& db, http::rate_limiter::limits const& limits)
    : db_(db), limits_(limits)
{
}

std::uint32_t shared_rate_limiter::take_token(pqxx::connection& conn, http::route_class c, std::string const& key,
                                              http::rate_limit const& limit)
{
    pqxx::work tx(conn);
    auto const row = tx.exec_params1(k_take_token, std::string(http::route_class_name(c)), key, limit.per_second,
                                     static_cast<double>(limit.burst));
    tx.commit();
    if (row[1].as<bool>())
        return 0;
    auto const missing = 1.0 - row[0].as<double>();
    return static_cast<std::uint32_t>(std::clamp(std::ceil(missing / limit.per_second), 1.0, 86400.0));
}

net::awaitable<std::uint32_t> shared_rate_limiter::admit(http::route_class c, std::string const& client_ip)
{
    auto const& limit = limits_[static_cast<std::size_t>(c)];
    if (!limit.enabled())
        co_return 0;
    auto const key = http::bucket_key(client_ip);
    bool const sweep = ++calls_ % 1000 == 0;
    try {
        co_return co_await db_.run([&](pqxx::connection& conn) {
            if (sweep)
                pqxx::nontransaction(conn).exec0(k_sweep);
            return take_token(conn, c, key, limit);
        });
    } catch (std::exception const& e) {
        logging::debug("shared rate limit unavailable, the local one holds: {error}", {{"error", e.what()}});
    }
    co_return 0;
}

} // namespace linkledger::auth
