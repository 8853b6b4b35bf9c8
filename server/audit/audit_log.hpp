// The audit log: who (a user, an API key or the command line) changed what, when and from
// which address. An entry is written in the transaction of the change it records, so a crash
// cannot keep one without the other; what it says is derived from the route the change came
// through and from its answer.
#pragma once

#include "http/router.hpp"
#include "http/types.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <pqxx/transaction_base>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace linkledger::audit {

struct entry {
    std::string actor_kind;             // "user", "api_key", "cli", "postback", "webhook" or "system"
    std::optional<std::int64_t> actor_id;
    std::string actor_name;             // email, or empty for an API key (its name is looked up)
    std::string action;                 // "link.create", ...
    std::optional<std::int64_t> target_id;
    std::string summary;                // never a secret: see summary_of; at most 4,000 bytes kept
    std::string ip;                     // empty from the command line
};

void record(pqxx::connection& conn, entry const& e);
// Within the transaction of the change it records: both happen, or neither.
void record(pqxx::transaction_base& tx, entry const& e);

// The entry of a change made through the API or the dashboard, by ctx.who on ctx's route, in
// the change's own transaction. `answer`: the object the change answers (its id and a few
// descriptive fields are taken from it; none for a 204).
void record_change(pqxx::transaction_base& tx, http::request_context const& ctx,
                   boost::json::object const& answer = {});

namespace detail {
template <class T>
bool made_a_change(std::optional<T> const& result) { return result.has_value(); }
inline bool made_a_change(bool result) { return result; }
template <class T>
bool made_a_change(T const&) { return true; }
} // namespace detail

// Runs `change(tx)`, records its entry in the same transaction and commits: the change and its
// entry are kept together or not at all. A change that found nothing to change (an empty
// optional, false) records nothing and is rolled back. `answer(result)`: the object the
// request answers.
template <class Change, class Answer>
auto audited(pqxx::connection& conn, http::request_context const& ctx, Change&& change, Answer&& answer)
{
    pqxx::work tx(conn);
    auto result = change(tx);
    if (detail::made_a_change(result)) {
        record_change(tx, ctx, answer(result));
        tx.commit();
    }
    return result;
}

// The same in a transaction the caller commits, with what else must be kept with the change
// (a booking's Idempotency-Key, money/idempotency_store).
template <class Change, class Answer>
auto audited(pqxx::work& tx, http::request_context const& ctx, Change&& change, Answer&& answer)
{
    auto result = change(tx);
    if (detail::made_a_change(result))
        record_change(tx, ctx, answer(result));
    return result;
}

// Newest first: entries with an id below `before_id` (0: from the newest), at most `limit`.
boost::json::array list(pqxx::connection& conn, int limit, std::int64_t before_id);

// "link.create" for POST /api/v1/links, "offer.update" for PATCH /api/v1/offers/{id},
// "api_key.revoke" for DELETE /api/v1/api-keys/{id}, "conversion.import" for POST
// /api/v1/conversions/import, and so on.
std::string action_for(http::verb method, std::string_view pattern);

// A few descriptive fields of what a change answered ("slug=haul name=Shop"), taken from an
// allow-list: a key, a password or a secret in the answer never reaches the log.
std::string summary_of(boost::json::object const& answer);

// The changed object's id: the route's {id}, else the "id" of what a create answered.
std::optional<std::int64_t> target_of(std::map<std::string, std::string> const& path_params,
                                      boost::json::object const& answer);

} // namespace linkledger::audit
