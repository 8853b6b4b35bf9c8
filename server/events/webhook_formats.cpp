#include "events/webhook_formats.hpp"

#include "money/amount.hpp"

#include <boost/json.hpp>

namespace linkledger::events {
namespace {

namespace json = boost::json;

// The members an API object has that SQL could not build (they depend on the public URL).
void add_public_url_members(std::string const& type, json::object& data, std::string const& public_url)
{
    if (type.starts_with("link.")) {
        if (auto const* slug = data.if_contains("slug"); slug && slug->is_string()) {
            std::string url = public_url;
            url += '/';
            url += slug->as_string();
            data["short_url"] = url;
        }
    } else if (type.starts_with("offer.")) {
        if (auto const* id = data.if_contains("id"); id && id->is_int64()) {
            auto const n = std::to_string(id->as_int64());
            std::string postback = public_url;
            postback += "/postback/";
            postback += n;
            postback += "?token=<shown-once>&click_id={click_id}&txid={txid}&amount={amount}"
                        "&currency={currency}&status={status}";
            data["postback_url"] = postback;
            std::string shopify = public_url;
            shopify += "/webhooks/shopify/";
            shopify += n;
            std::string woo = public_url;
            woo += "/webhooks/woocommerce/";
            woo += n;
            data["webhook_urls"] = {{"shopify", shopify}, {"woocommerce", woo}};
        }
    }
}

std::string text_of(json::object const& o, std::string_view name)
{
    auto const* v = o.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t int_of(json::object const& o, std::string_view name)
{
    auto const* v = o.if_contains(name);
    return v && v->is_int64() ? v->as_int64() : 0;
}

// "2026-11-20T10:00:00Z" as "2026-11-20 10:00 UTC": a chat message has no zone of its own to
// show it in.
std::string chat_time(std::string const& at)
{
    if (at.size() < 16 || at[10] != 'T')
        return at;
    std::string out = at.substr(0, 10);
    out += ' ';
    out += at.substr(11, 5);
    out += " UTC";
    return out;
}

json::object parse_object(std::string const& text)
{
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object())
        return {};
    return std::move(value.as_object());
}

std::string status_word(std::string const& status, bool fr)
{
    if (!fr)
        return status;
    if (status == "pending") return "en attente";
    if (status == "approved") return "approuvée";
    if (status == "rejected") return "refusée";
    if (status == "paid") return "payée";
    return status;
}

} // namespace

std::string display_amount(std::int64_t minor, std::string_view currency, std::string_view language)
{
    bool const fr = language == "fr";
    auto number = money::format_major_amount(minor, currency);
    if (fr)
        for (auto& c : number)
            if (c == '.')
                c = ',';
    std::string symbol;
    if (currency == "EUR") symbol = "€";
    else if (currency == "USD") symbol = "$";
    else if (currency == "GBP") symbol = "£";
    std::string out;
    if (fr) {
        out = number;
        out += "\u00a0";
        out += symbol.empty() ? std::string(currency) : symbol;
    } else if (!symbol.empty()) {
        out = symbol;
        out += number;
    } else {
        out = std::string(currency);
        out += ' ';
        out += number;
    }
    return out;
}

std::string chat_message(outgoing_event const& e, std::string const& public_url, std::string_view language)
{
    bool const fr = language == "fr";
    auto data = parse_object(e.data);
    auto const context = parse_object(e.context);
    add_public_url_members(e.type, data, public_url);
    std::string out;
    if (e.type == "sale.created" || e.type == "sale.updated") {
        auto const currency = text_of(data, "currency");
        auto const amount = display_amount(int_of(data, "amount_minor"), currency, language);
        auto const commission = display_amount(int_of(data, "commission_minor"), currency, language);
        if (e.type == "sale.created")
            out = fr ? "Vente " : "Sale ";
        else if (text_of(data, "previous_status") != text_of(data, "status")) {
            out = fr ? "Vente " : "Sale ";
            out += amount;
            out += fr ? " passée de " : " moved from ";
            out += status_word(text_of(data, "previous_status"), fr);
            out += fr ? " à " : " to ";
            out += status_word(text_of(data, "status"), fr);
            return out;
        } else if (int_of(data, "previous_amount_minor") == int_of(data, "amount_minor") &&
                   int_of(data, "previous_commission_minor") == int_of(data, "commission_minor")) {
            if (auto const was = text_of(data, "previous_occurred_at");
                !was.empty() && was != text_of(data, "occurred_at")) {
                // Its time changed (a sale booked when its postback arrived, dated by the network's
                // report), perhaps where it came from with it. Said as a new sale is, with both times.
                out = fr ? "Date de vente corrigée : " : "Sale date corrected: ";
                out += chat_time(text_of(data, "occurred_at"));
                out += fr ? " (au lieu de " : " (was ";
                out += chat_time(was);
                out += "), ";
            } else if (text_of(data, "attribution") == "none") {
                // A waiting sale whose click never came.
                out = fr ? "Vente sans origine connue : " : "Sale left unattributed: ";
            } else {
                // Only where it came from changed: its click or code was found later. Said as a
                // new sale is, with where it now comes from.
                out = fr ? "Vente réattribuée : " : "Sale reattributed: ";
            }
        } else {
            // Its money changed, not its status (a partial refund, a corrected report).
            out = fr ? "Vente passée de " : "Sale changed from ";
            out += display_amount(int_of(data, "previous_amount_minor"), currency, language);
            out += fr ? " à " : " to ";
            out += amount;
            out += ", commission ";
            out += commission;
            return out;
        }
        out += amount;
        auto const source = text_of(data, "source");
        if (!source.empty() && source != "unattributed") {
            out += fr ? " via " : " via ";
            out += source;
        }
        if (auto const video = text_of(context, "video_title"); !video.empty()) {
            out += fr ? ", vidéo " : ", video ";
            out += video;
        }
        out += ", commission ";
        out += commission;
        return out;
    }
    if (e.type.starts_with("link.")) {
        auto const url = text_of(data, "short_url");
        if (e.type == "link.created")
            out = fr ? "Lien créé : " : "Link created: ";
        else if (e.type == "link.updated")
            out = fr ? "Lien modifié : " : "Link updated: ";
        else
            out = fr ? "Lien supprimé : " : "Link deleted: ";
        out += url;
        if (auto const target = text_of(data, "target_url"); !target.empty() && e.type != "link.deleted") {
            out += " → ";
            out += target;
        }
        return out;
    }
    if (e.type == "offer.updated") {
        out = fr ? "Offre modifiée : " : "Offer updated: ";
        out += text_of(data, "name");
        return out;
    }
    if (e.type == "ping")
        return fr ? "Linkledger : test de webhook réussi" : "Linkledger: webhook test";
    return e.type;
}

std::string webhook_body(outgoing_event const& e, std::string_view format, std::string const& public_url,
                         std::string_view language)
{
    if (format == "discord")
        return json::serialize(json::object{{"content", chat_message(e, public_url, language)}});
    if (format == "slack")
        return json::serialize(json::object{{"text", chat_message(e, public_url, language)}});
    auto data = parse_object(e.data);
    add_public_url_members(e.type, data, public_url);
    return json::serialize(json::object{{"type", e.type}, {"timestamp", e.occurred_at}, {"data", std::move(data)}});
}

} // namespace linkledger::events
