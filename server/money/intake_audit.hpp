// Sales that arrive without a person: a network's postback, a shop's webhook. Each one, accepted
// or refused, leaves an entry in the audit log; an accepted one in the very transaction that
// books it. Never a token, a signature or a secret: only the offer, the door, the outcome.
#pragma once

#include "audit/audit_log.hpp"
#include "http/http_error.hpp"

#include <boost/json/object.hpp>
#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <cstdint>
#include <string>

namespace linkledger::money {

struct intake {
    std::string door; // "postback", "shopify" or "woocommerce"
    std::int64_t offer_id = 0;
    std::string ip;
};

// In the booking's transaction: `answer` is what the door answers ({"result", "conversion"?}).
void audit_accepted(pqxx::transaction_base& tx, intake const& in, boost::json::object const& answer);

// In a transaction of its own (the booking's has failed). A failure to write it is logged and
// swallowed: the client's answer is the refusal, whatever happens to its trace.
void audit_refused(pqxx::connection& conn, intake const& in, http::http_error const& refusal);

} // namespace linkledger::money
