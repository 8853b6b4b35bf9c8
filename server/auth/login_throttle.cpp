#include "auth/login_throttle.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::auth {
namespace {

constexpr char const* k_failures = R"sql(
SELECT failures, (EXTRACT(EPOCH FROM now() - last_failure) * 1000)::bigint
FROM login_failures WHERE key = $1
)sql";

// A count quiet for `forget_after` starts again from one. Stale rows of other keys go on the
// same occasion, so a spray of addresses cannot grow the table without bound.
constexpr char const* k_record_failure = R"sql(
WITH swept AS (
    DELETE FROM login_failures WHERE last_failure < now() - make_interval(secs => $2) AND key <> $1
)
INSERT INTO login_failures (key, failures, last_failure) VALUES ($1, 1, now())
ON CONFLICT (key) DO UPDATE
SET failures = CASE WHEN login_failures.last_failure < now() - make_interval(secs => $2) THEN 1
                    ELSE login_failures.failures + 1 END,
    last_failure = now()
)sql";

constexpr char const* k_record_success = "DELETE FROM login_failures WHERE key = $1";

// The two-integer form of PostgreSQL's advisory locks: its own key space, apart from the
// migrations' single-bigint lock. A hash collision only makes two keys wait for each other.
constexpr char const* k_lock_key = "SELECT pg_advisory_xact_lock(1280, hashtext($1))";

} // namespace

std::chrono::seconds login_throttle::pause_for(int failures) const
{
    if (failures < limits_.free_failures)
        return std::chrono::seconds(0);
    auto const doublings = std::min(failures - limits_.free_failures, 20);
    return std::min<std::chrono::seconds>(limits_.first_pause * (1ll << doublings), limits_.longest_pause);
}

std::chrono::seconds login_throttle::retry_after(int failures, std::chrono::milliseconds since) const
{
    if (since >= limits_.forget_after)
        return std::chrono::seconds(0);
    auto const left = pause_for(failures) - since;
    if (left <= std::chrono::milliseconds(0))
        return std::chrono::seconds(0);
    return std::chrono::ceil<std::chrono::seconds>(left);
}

void login_throttle::lock(pqxx::transaction_base& tx, std::string const& key)
{
    tx.exec_params(k_lock_key, key);
}

std::chrono::seconds login_throttle::retry_after(pqxx::transaction_base& tx, std::string const& key) const
{
    auto const rows = tx.exec_params(k_failures, key);
    if (rows.empty())
        return std::chrono::seconds(0);
    return retry_after(rows[0][0].as<int>(), std::chrono::milliseconds(rows[0][1].as<long long>()));
}

void login_throttle::record_failure(pqxx::transaction_base& tx, std::string const& key) const
{
    tx.exec_params0(k_record_failure, key, static_cast<double>(limits_.forget_after.count()));
}

void login_throttle::record_success(pqxx::transaction_base& tx, std::string const& key) const
{
    tx.exec_params0(k_record_success, key);
}

} // namespace linkledger::auth
