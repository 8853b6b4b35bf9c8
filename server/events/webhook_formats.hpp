// What is posted for an event, by endpoint format:
//  - standard: {"type", "timestamp", "data"}, data the API's object for the sale, link or offer
//    (the snapshot the outbox trigger took), signed by the sender (Standard Webhooks 1.0);
//  - discord: {"content": "<message>"} (Discord's execute-webhook body);
//  - slack:   {"text": "<message>"} (Slack's incoming-webhook body);
// the message being one short line in the instance's language (the profile's, fr or en):
// "Sale €19.99 via tiktok, video Winter haul, commission €2.00".
#pragma once

#include <string>
#include <string_view>

namespace linkledger::events {

// One event as the outbox holds it.
struct outgoing_event {
    std::string type;        // sale.created, ..., ping
    std::string occurred_at; // ISO 8601, UTC
    std::string data;        // JSON object text
    std::string context;     // JSON object text: what the human formats name (video title, slug)
};

// The JSON body for `format` ("standard", "discord" or "slack"). `public_url` fills in the
// members derived from it (a link's short_url, an offer's postback_url and webhook_urls).
std::string webhook_body(outgoing_event const& e, std::string_view format, std::string const& public_url,
                         std::string_view language);

// The human message alone (Discord and Slack), in "fr" or "en".
std::string chat_message(outgoing_event const& e, std::string const& public_url, std::string_view language);

// "€19.99" (en) or "19,99 €" (fr); other currencies by their code ("CHF 5.00", "5,00 CHF").
std::string display_amount(std::int64_t minor, std::string_view currency, std::string_view language);

} // namespace linkledger::events
