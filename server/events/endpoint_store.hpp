// SQL for webhook endpoints and their deliveries as the API shows them: one function per query,
// each taking the caller's connection (the model: links/link_store).
#pragma once

#include <boost/json/object.hpp>
#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::events {

struct webhook_endpoint {
    std::int64_t id = 0;
    std::string url;
    std::vector<std::string> events;
    std::string format;
    bool active = true;
    std::string description;
    std::optional<std::string> disabled_reason; // "gone" (410) or "failures" (20 in a row)
    int consecutive_failures = 0;
    std::optional<std::string> previous_secret_expires_at; // while an old secret still signs
    std::string created_at;
    std::string updated_at;
};

struct new_endpoint {
    std::string url;
    std::vector<std::string> events;
    std::string format = "standard";
    bool active = true;
    std::string description;
    std::string secret;
};

struct endpoint_changes {
    std::optional<std::string> url;
    std::optional<std::vector<std::string>> events;
    std::optional<std::string> format;
    std::optional<bool> active; // true also clears disabled_reason and the failure count
    std::optional<std::string> description;
};

webhook_endpoint insert_endpoint(pqxx::transaction_base& tx, new_endpoint const& e);
std::vector<webhook_endpoint> list_endpoints(pqxx::connection& conn);
std::optional<webhook_endpoint> find_endpoint(pqxx::connection& conn, std::int64_t id);
std::optional<webhook_endpoint> update_endpoint(pqxx::transaction_base& tx, std::int64_t id, endpoint_changes const& c);
// Its deliveries and their attempts go with it.
bool delete_endpoint(pqxx::transaction_base& tx, std::int64_t id);
// The new secret signs from now on; the one it replaces keeps signing beside it for `overlap_hours`.
std::optional<webhook_endpoint> rotate_secret(pqxx::transaction_base& tx, std::int64_t id, std::string const& secret,
                                              int overlap_hours);

// A ping for one endpoint, through the outbox like any event: {"event_id", "delivery_id",
// "webhook_id"}, or nothing when there is no such endpoint.
std::optional<boost::json::object> enqueue_ping(pqxx::transaction_base& tx, std::int64_t endpoint_id);

// Newest first, `before_id` 0 from the newest; each with its last attempts ("history").
std::vector<boost::json::object> list_deliveries(pqxx::connection& conn, std::int64_t endpoint_id,
                                                 std::int64_t before_id, int limit);
// Due again now, with the same webhook-id and a fresh set of attempts; nothing when there is
// no such delivery of that endpoint.
std::optional<boost::json::object> resend_delivery(pqxx::transaction_base& tx, std::int64_t endpoint_id,
                                                   std::int64_t delivery_id);

} // namespace linkledger::events
