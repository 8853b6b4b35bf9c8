// SQL for reading conversions (the sales ledger): the typed conversion, one function per query,
// and its one JSON encoding. Sales are written by sale_recorder (record_sale, change_status).
#pragma once

#include <boost/json/object.hpp>
#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::money {

struct conversion {
    std::int64_t id = 0;
    std::int64_t offer_id = 0;
    std::string txid;
    std::string status; // pending, approved, rejected, paid
    std::int64_t amount_minor = 0;
    std::int64_t commission_minor = 0;
    // The network's own figure for the commission, from its postback or report (null: none given);
    // differs from commission_minor when the offer computes its own and the network disagrees.
    std::optional<std::int64_t> network_commission_minor;
    std::string currency;
    std::optional<std::string> click_id;
    std::optional<std::int64_t> link_id;
    std::optional<std::int64_t> video_id;
    std::optional<std::string> code;
    std::string source;
    std::string attribution; // click, code, model, none, pending
    std::string via;         // postback, shopify, woocommerce, csv, manual
    std::string occurred_at; // ISO 8601, UTC, to the second
    // Whether occurred_at was stated by whoever sent the sale (a report's date, the API's
    // occurred_at, a shop order's) rather than being its arrival time (a postback): a time
    // not given may still be replaced by the network's report (migration 0026).
    bool occurred_at_given = true;
    std::string created_at;
    std::string updated_at;
    // The changes booked after the sale was paid (migration 0043), as a JSON array: each dated
    // when it came, with the differences it made to what the reports count.
    std::string adjustments = "[]";
    // What all of them add up to, and how many there are: {amount_minor, commission_minor,
    // approved_commission_minor, count}.
    std::string adjusted = R"({"amount_minor":0,"commission_minor":0,"approved_commission_minor":0,"count":0})";
};

// Newest first, `before_id` 0 starting at the newest; the other fields narrow the list when
// set (offer_id 0 and an empty status: any).
struct conversion_filter {
    std::int64_t before_id = 0;
    int limit = 50;
    std::int64_t offer_id = 0;
    std::string status;
    std::optional<std::string> from; // occurred_at in [from, to)
    std::optional<std::string> to;
    std::string zone = "UTC";        // the wall clock of a from or to without an offset
};

std::optional<conversion> find_conversion(pqxx::transaction_base& tx, std::int64_t id);
// A from or to PostgreSQL cannot read is a 400 naming it (db::check_time).
std::vector<conversion> list_conversions(pqxx::transaction_base& tx, conversion_filter const& f);

// The conversion as the API shows it, keys in this order. load_conversion (sale_recorder)
// answers the same object for the sales it records.
boost::json::object to_json(conversion const& c);

} // namespace linkledger::money
