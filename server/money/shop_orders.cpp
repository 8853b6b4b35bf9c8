#include "money/shop_orders.hpp"

#include "http/http_error.hpp"
#include "http/url_params.hpp"
#include "money/amount.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <limits>

namespace linkledger::money {
namespace {

// A string or a number, as text ("19.99", 1234 → "1234"); empty for anything else.
std::string text(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    if (v == nullptr)
        return {};
    if (v->is_string())
        return std::string(v->as_string());
    if (v->is_int64() || v->is_uint64())
        return boost::json::serialize(*v);
    return {};
}

std::string first_code(boost::json::object const& o, std::string_view list)
{
    auto const* v = o.if_contains(list);
    if (v == nullptr || !v->is_array())
        return {};
    for (auto const& item : v->as_array()) {
        if (item.is_object()) {
            if (auto code = text(item.as_object(), "code"); !code.empty())
                return code;
        }
    }
    return {};
}

// click_id from name/value (Shopify note_attributes) or key/value (WooCommerce meta_data) pairs.
std::string click_id_in(boost::json::object const& o, std::string_view list, std::string_view name_key)
{
    auto const* v = o.if_contains(list);
    if (v == nullptr || !v->is_array())
        return {};
    for (auto const& item : v->as_array()) {
        if (item.is_object() && text(item.as_object(), name_key) == "click_id")
            return text(item.as_object(), "value");
    }
    return {};
}

std::string click_id_in_url(std::string const& url)
{
    auto const parsed = boost::urls::parse_uri_reference(url);
    if (!parsed || !http::has_query_params(*parsed))
        return {};
    auto const params = parsed->params();
    auto const it = params.find("click_id");
    return it == params.end() ? std::string() : std::string((*it).value);
}

} // namespace

std::optional<shop_order> shopify_order(boost::json::object const& order)
{
    shop_order out;
    out.txid = text(order, "id");
    if (out.txid.empty() || (!order.contains("financial_status") && !order.contains("total_price")))
        return std::nullopt;
    out.total = text(order, "current_total_price");
    if (out.total.empty())
        out.total = text(order, "total_price");
    out.currency = text(order, "currency");
    auto const financial = text(order, "financial_status");
    auto const* cancelled = order.if_contains("cancelled_at");
    if ((cancelled && !cancelled->is_null()) || financial == "refunded" || financial == "voided")
        out.status = "rejected";
    else if (financial == "paid" || financial == "partially_refunded")
        out.status = "approved";
    else
        out.status = "pending";
    out.code = first_code(order, "discount_codes");
    out.click_id = click_id_in(order, "note_attributes", "name");
    if (out.click_id.empty())
        out.click_id = click_id_in_url(text(order, "landing_site"));
    out.occurred_at = text(order, "created_at");
    return out;
}

std::optional<shop_order> woocommerce_order(boost::json::object const& order)
{
    shop_order out;
    out.txid = text(order, "id");
    if (out.txid.empty() || !order.contains("status"))
        return std::nullopt;
    out.total = text(order, "total");
    out.currency = text(order, "currency");
    auto const status = text(order, "status");
    if (status == "completed")
        out.status = "approved";
    else if (status == "cancelled" || status == "refunded" || status == "failed" || status == "trash")
        out.status = "rejected";
    else
        out.status = "pending";
    out.code = first_code(order, "coupon_lines");
    out.click_id = click_id_in(order, "meta_data", "key");
    if (auto const gmt = text(order, "date_created_gmt"); !gmt.empty())
        out.occurred_at = gmt + (gmt.ends_with('Z') ? "" : "Z");
    return out;
}

std::optional<shop_refund> shopify_refund(boost::json::object const& refund)
{
    shop_refund out{text(refund, "order_id"), {}};
    auto const* transactions = refund.if_contains("transactions");
    if (out.txid.empty() || transactions == nullptr || !transactions->is_array())
        return std::nullopt;
    for (auto const& t : transactions->as_array()) {
        if (t.is_object() && text(t.as_object(), "kind") == "refund" && text(t.as_object(), "status") != "failure")
            out.amounts.push_back(text(t.as_object(), "amount"));
    }
    if (out.amounts.empty())
        return std::nullopt;
    return out;
}

sale sale_from_shop_order(shop_order const& order, offer const& o, std::string_view via)
{
    sale s;
    s.via = std::string(via);
    s.txid = order.txid;
    s.currency = order.currency;
    auto const currency = s.currency.empty() ? o.currency : s.currency;
    auto const amount = parse_major_amount(order.total, currency);
    if (!amount || *amount < 0)
        throw http::bad_field("total", "the order total '" + order.total + "' is not an amount in " + currency);
    s.amount_minor = *amount;
    s.status = order.status;
    s.code = order.code;
    s.click_id = order.click_id;
    s.occurred_at = order.occurred_at;
    return s;
}

std::int64_t refund_total_minor(shop_refund const& refund, std::string_view currency)
{
    std::int64_t total = 0;
    for (auto const& text : refund.amounts) {
        auto const minor = parse_major_amount(text, currency);
        if (!minor || *minor < 0)
            throw http::bad_field("amount", "the refund amount '" + text + "' is not an amount in " +
                                                std::string(currency));
        total = *minor > std::numeric_limits<std::int64_t>::max() - total
                    ? std::numeric_limits<std::int64_t>::max()
                    : total + *minor;
    }
    return total;
}

} // namespace linkledger::money
