#include "money/intake_audit.hpp"

#include "clicks/text_sanitizer.hpp"
#include "logging/logging.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

audit::entry entry_for(intake const& in, std::string const& outcome)
{
    bool const postback = in.door == "postback";
    return {.actor_kind = postback ? "postback" : "webhook",
            .actor_id = in.offer_id,
            .actor_name = in.door + " offer " + std::to_string(in.offer_id),
            .action = (postback ? "postback." : "webhook.") + outcome,
            .target_id = std::nullopt,
            .summary = "",
            .ip = in.ip};
}

std::string text_of(boost::json::object const& o, char const* key)
{
    auto const* v = o.if_contains(key);
    if (v == nullptr)
        return {};
    if (v->is_string())
        return std::string(v->as_string());
    if (v->is_int64())
        return std::to_string(v->as_int64());
    return {};
}

} // namespace

void audit_accepted(pqxx::transaction_base& tx, intake const& in, boost::json::object const& answer)
{
    auto e = entry_for(in, "accepted");
    e.summary = "result=" + text_of(answer, "result");
    if (auto const* c = answer.if_contains("conversion"); c != nullptr && c->is_object()) {
        auto const& conversion = c->as_object();
        if (auto const* id = conversion.if_contains("id"); id != nullptr && id->is_int64())
            e.target_id = id->as_int64();
        e.summary += " txid=" + text_of(conversion, "txid") + " status=" + text_of(conversion, "status") +
                     " amount_minor=" + text_of(conversion, "amount_minor") + " " + text_of(conversion, "currency") +
                     " commission_minor=" + text_of(conversion, "commission_minor") +
                     " attribution=" + text_of(conversion, "attribution");
        // The network's own figure, when it gave one: what a statement is checked against.
        if (auto const network = text_of(conversion, "network_commission_minor"); !network.empty())
            e.summary += " network_commission_minor=" + network;
    }
    // What the sender was told of the booking (a shop order dated ahead booked at its arrival):
    // the creator sees it here, the shop's answer being read by no one. Every warning, each up to
    // 400 bytes: the entry keeps 4,000 (audit_log.cpp), more than the figures and every kind of
    // warning a sale can have at once.
    if (auto const* warnings = answer.if_contains("warnings"); warnings != nullptr && warnings->is_array())
        for (auto const& warning : warnings->as_array())
            if (warning.is_string()) {
                auto const& text = warning.as_string();
                e.summary += "; warning: " + clicks::storable_text(std::string_view(text.data(), text.size()), 400);
            }
    audit::record(tx, e);
}

void audit_refused(pqxx::connection& conn, intake const& in, http::http_error const& refusal)
{
    auto e = entry_for(in, "refused");
    e.summary = "status=" + std::to_string(static_cast<int>(refusal.status)) + " code=" + refusal.code +
                " field=" + refusal.field;
    try {
        audit::record(conn, e);
    } catch (std::exception const& failure) {
        logging::warn("audit of a refused {door} failed",
                      {{"door", in.door}, {"offer_id", in.offer_id}, {"error", failure.what()}});
    }
}

} // namespace linkledger::money
