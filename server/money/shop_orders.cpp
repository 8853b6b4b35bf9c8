#include "money/shop_orders.hpp"

#include "clicks/click_id.hpp"
#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"
#include "http/json_strict.hpp"
#include "http/url_params.hpp"
#include "money/amount.hpp"
#include "money/click_id_names.hpp"
#include "money/sale_checks.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <tuple>

namespace linkledger::money {
namespace {

// A string or a number, as text ("19.99", 1234 → "1234", 3.98 → "3.98"); empty for anything
// else. Shopify writes a refund line's total_tax as a JSON number: dropping it took the tax off
// as if it were price.
std::string text(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    if (v == nullptr)
        return {};
    if (v->is_string())
        return std::string(v->as_string());
    if (v->is_int64() || v->is_uint64())
        return boost::json::serialize(*v);
    if (v->is_double())
        return http::decimal_text(v->get_double());
    return {};
}

// Every code of the list, in its order: a shop's own code (free shipping) often comes before the
// creator's, and reading only the first lost the creator's sale to no code.
std::vector<std::string> codes_of(boost::json::object const& o, std::string_view list)
{
    std::vector<std::string> out;
    auto const* v = o.if_contains(list);
    if (v == nullptr || !v->is_array())
        return out;
    for (auto const& item : v->as_array()) {
        if (item.is_object()) {
            if (auto code = text(item.as_object(), "code"); !code.empty())
                out.push_back(std::move(code));
        }
    }
    return out;
}

// Whether `value` under `name` is ours: any value under click_id (a wrong one is then said, as
// before), under another sub-id name only a click id (a network's own sub-id is not ours).
bool is_our_click_id(std::string_view name, std::string const& value)
{
    return (name == "click_id" && !value.empty()) || clicks::is_valid_click_id(clicks::canonical_click_id(value));
}

// click_id from name/value (Shopify note_attributes) or key/value (WooCommerce meta_data) pairs,
// under any name a click id travels under, click_id first.
std::string click_id_in(boost::json::object const& o, std::string_view list, std::string_view name_key)
{
    auto const* v = o.if_contains(list);
    if (v == nullptr || !v->is_array())
        return {};
    for (auto const* name : k_click_id_names)
        for (auto const& item : v->as_array())
            if (item.is_object() && text(item.as_object(), name_key) == name)
                if (auto value = text(item.as_object(), "value"); is_our_click_id(name, value))
                    return value;
    return {};
}

// A Shopify money set ({"shop_money": {"amount": "4.90", "currency_code": "EUR"},
// "presentment_money": {...}}): each side's amount and currency, empty where it says none.
struct money_set {
    std::string shop;
    std::string shop_currency;
    std::string presentment;
    std::string presentment_currency;
};
std::optional<money_set> money_set_of(boost::json::object const& o, std::string_view key)
{
    auto const* set = o.if_contains(key);
    if (set == nullptr || !set->is_object())
        return std::nullopt;
    money_set out;
    for (auto const& [side, amount, currency] :
         {std::tuple{"shop_money", &out.shop, &out.shop_currency},
          std::tuple{"presentment_money", &out.presentment, &out.presentment_currency}}) {
        auto const* money = set->as_object().if_contains(side);
        if (money != nullptr && money->is_object()) {
            *amount = text(money->as_object(), "amount");
            *currency = text(money->as_object(), "currency_code");
        }
    }
    if (out.shop.empty())
        return std::nullopt;
    return out;
}

// The amount at `shop_money.amount` of a Shopify money set.
std::string shop_money(boost::json::object const& o, std::string_view key)
{
    auto set = money_set_of(o, key);
    return set ? std::move(set->shop) : std::string();
}

// Each object of the array `list` (none when it is absent or not an array).
template <class F>
void each_object(boost::json::object const& o, std::string_view list, F&& f)
{
    auto const* v = o.if_contains(list);
    if (v == nullptr || !v->is_array())
        return;
    for (auto const& item : v->as_array())
        if (item.is_object())
            f(item.as_object());
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b)
{
    std::int64_t out = 0;
    if (__builtin_add_overflow(a, b, &out))
        return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
    return out;
}

// A shop amount in minor units. `magnitude`: the shop writes it negative (Shopify's order
// adjustments are "-5.00") and only its size matters.
std::int64_t minor_of(order_amount const& a, std::string_view currency, bool magnitude = false)
{
    auto minor = parse_major_amount(a.text, currency);
    if (minor && magnitude && *minor < 0 && *minor != std::numeric_limits<std::int64_t>::min())
        minor = -*minor;
    if (!minor || *minor < 0)
        throw http::bad_field(a.field, std::string("the ").append(a.field).append(" '").append(a.text).append(
                                           "' is not an amount in ").append(currency));
    return *minor;
}

// A shop amount that may be negative: an order adjustment's (positive is money kept back).
std::int64_t signed_minor_of(order_amount const& a, std::string_view currency)
{
    auto const minor = parse_major_amount(a.text, currency);
    if (!minor || *minor == std::numeric_limits<std::int64_t>::min())
        throw http::bad_field(a.field, std::string("the ").append(a.field).append(" '").append(a.text).append(
                                           "' is not an amount in ").append(currency));
    return *minor;
}

std::int64_t saturating_sub(std::int64_t a, std::int64_t b)
{
    std::int64_t out = 0;
    if (__builtin_sub_overflow(a, b, &out))
        return b < 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
    return out;
}

bool is_true(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    return v != nullptr && ((v->is_bool() && v->as_bool()) || (v->is_string() && v->as_string() == "true"));
}

std::string click_id_in_url(std::string const& url)
{
    auto const parsed = boost::urls::parse_uri_reference(url);
    if (!parsed || !http::has_query_params(*parsed))
        return {};
    auto const params = parsed->params();
    // The link's target names the parameter (https://shop.example/p?subid={click_id}).
    for (auto const* name : k_click_id_names)
        if (auto const it = params.find(name); it != params.end())
            if (auto value = std::string((*it).value); is_our_click_id(name, value))
                return value;
    return {};
}

// The refund's money bags (shop_refund::money_bags), for pricing it in the shop's currency.
void read_money_bags(boost::json::object const& refund, shop_refund& out)
{
    auto const bag = [&](refund_part part, boost::json::object const& o, std::string_view list,
                         std::string_view set_key, std::string_view plain_key) {
        auto set = money_set_of(o, set_key);
        if (!set) {
            // The figure is there, its bag is not: the bags would price the refund without it.
            if (!plain_key.empty() && !text(o, plain_key).empty())
                out.money_bags_incomplete = true;
            return;
        }
        for (auto const& [seen, named] : {std::pair{&out.shop_currency, &set->shop_currency},
                                          std::pair{&out.presentment_currency, &set->presentment_currency}}) {
            if (seen->empty())
                *seen = *named;
            else if (!named->empty() && *named != *seen)
                out.money_bags_incomplete = true;
        }
        auto field = list.empty() ? std::string(set_key) : std::string(list).append(".").append(set_key);
        out.money_bags.push_back({part, std::move(field), std::move(set->shop), std::move(set->presentment)});
    };
    each_object(refund, "refund_line_items", [&](boost::json::object const& item) {
        bag(refund_part::items, item, "refund_line_items", "subtotal_set", "subtotal");
        bag(refund_part::items_tax, item, "refund_line_items", "total_tax_set", "total_tax");
    });
    each_object(refund, "order_adjustments", [&](boost::json::object const& adjustment) {
        auto const part = text(adjustment, "kind") == "shipping_refund" ? refund_part::shipping : refund_part::adjustment;
        bag(part, adjustment, "order_adjustments", "amount_set", "amount");
        bag(part, adjustment, "order_adjustments", "tax_amount_set", "tax_amount");
    });
    each_object(refund, "refund_shipping_lines", [&](boost::json::object const& line) {
        bag(refund_part::shipping, line, "refund_shipping_lines", "subtotal_amount_set", "");
        bag(refund_part::shipping, line, "refund_shipping_lines", "tax_amount_set", "");
    });
    // Duties returned (Markets' international orders): each in `duties[]`, else their sum.
    auto const bags_before_duties = out.money_bags.size();
    each_object(refund, "duties", [&](boost::json::object const& duty) {
        bag(refund_part::duties, duty, "duties", "amount_set", "");
    });
    if (out.money_bags.size() == bags_before_duties)
        bag(refund_part::duties, refund, "", "total_duties_set", "");
}

} // namespace

std::optional<shop_refund> shopify_refund(boost::json::object const& refund)
{
    shop_refund out;
    out.txid = text(refund, "order_id");
    out.id = text(refund, "id");
    out.created_at = text(refund, "created_at");
    if (out.created_at.empty())
        out.created_at = text(refund, "processed_at");
    auto const* transactions = refund.if_contains("transactions");
    if (out.txid.empty() || transactions == nullptr || !transactions->is_array())
        return std::nullopt;
    // Only money that went back counts: a refund transaction in "error", "failure" or "pending"
    // returned nothing (yet); the order's next update lists the refund again, and its larger
    // figure then counts (shop_webhooks_api's k_insert_refund).
    auto const returned = [](boost::json::object const& t) {
        auto const status = text(t, "status");
        return text(t, "kind") == "refund" && (status == "success" || status.empty());
    };
    for (auto const& t : transactions->as_array()) {
        if (t.is_object() && returned(t.as_object())) {
            out.amounts.push_back(text(t.as_object(), "amount"));
            if (out.currency.empty())
                out.currency = text(t.as_object(), "currency");
        }
    }
    if (out.amounts.empty())
        return std::nullopt;
    each_object(refund, "refund_line_items", [&](boost::json::object const& item) {
        if (auto tax = text(item, "total_tax"); !tax.empty())
            out.tax_and_shipping.push_back({"refund_line_items.total_tax", std::move(tax)});
    });
    // Shipping returned: an order adjustment of kind shipping_refund (amounts negative), or, from
    // API 2024-10, a refund shipping line (amounts in money sets).
    each_object(refund, "order_adjustments", [&](boost::json::object const& adjustment) {
        if (text(adjustment, "kind") != "shipping_refund")
            return;
        for (auto const* key : {"amount", "tax_amount"})
            if (auto amount = text(adjustment, key); !amount.empty())
                out.tax_and_shipping.push_back({std::string("order_adjustments.") + key, std::move(amount)});
    });
    each_object(refund, "refund_shipping_lines", [&](boost::json::object const& line) {
        for (auto const* key : {"subtotal_amount_set", "tax_amount_set"})
            if (auto amount = shop_money(line, key); !amount.empty())
                out.tax_and_shipping.push_back({std::string("refund_shipping_lines.") + key, std::move(amount)});
    });
    // Duties returned (an international order's): never in the subtotal either. Each in
    // `duties[]`, else their sum; the refund's shop money is its transactions' in a shop selling
    // in its own currency, the one whose refunds are counted here.
    auto const before_duties = out.tax_and_shipping.size();
    each_object(refund, "duties", [&](boost::json::object const& duty) {
        if (auto amount = shop_money(duty, "amount_set"); !amount.empty())
            out.tax_and_shipping.push_back({"duties.amount_set", std::move(amount)});
    });
    if (out.tax_and_shipping.size() == before_duties)
        if (auto amount = shop_money(refund, "total_duties_set"); !amount.empty())
            out.tax_and_shipping.push_back({"total_duties_set", std::move(amount)});
    read_money_bags(refund, out);
    return out;
}

std::optional<shop_order> shopify_order(boost::json::object const& order)
{
    shop_order out;
    out.txid = text(order, "id");
    if (out.txid.empty() || (!order.contains("financial_status") && !order.contains("total_price")))
        return std::nullopt;
    // The original amounts, before refunds (see the header): refunds are counted apart.
    out.total = text(order, "total_price");
    if (out.total.empty())
        out.total = text(order, "current_total_price");
    for (auto const* field : {"subtotal_price", "current_subtotal_price"}) {
        if (auto subtotal = text(order, field); !subtotal.empty()) {
            out.subtotal = {field, std::move(subtotal)};
            break;
        }
    }
    if (out.subtotal.text.empty()) {
        out.subtotal = {"total_price", out.total}; // nothing better to go on
    } else if (is_true(order, "taxes_included")) {
        // The prices hold the tax: take out the items' part of it. total_tax also counts the
        // tax of shipping, which was never in the subtotal.
        auto tax = order_amount{"total_tax", text(order, "total_tax")};
        if (tax.text.empty())
            tax = {"current_total_tax", text(order, "current_total_tax")};
        if (!tax.text.empty()) {
            out.not_commissioned.push_back(std::move(tax));
            each_object(order, "shipping_lines", [&](boost::json::object const& line) {
                each_object(line, "tax_lines", [&](boost::json::object const& tax_line) {
                    if (auto price = text(tax_line, "price"); !price.empty())
                        out.added_back.push_back({"shipping_lines.tax_lines.price", std::move(price)});
                });
            });
        }
    }
    out.currency = text(order, "currency");
    out.test = is_true(order, "test");
    auto const financial = text(order, "financial_status");
    auto const* cancelled = order.if_contains("cancelled_at");
    // An authorization voided or expired (shopify.dev, Order financial_status) took no money and
    // never will: left pending, the sale counted as pending commission for ever.
    if ((cancelled && !cancelled->is_null()) || financial == "refunded" || financial == "voided" ||
        financial == "expired")
        out.status = "rejected";
    else if (financial == "paid" || financial == "partially_refunded")
        out.status = "approved";
    else
        out.status = "pending";
    out.codes = codes_of(order, "discount_codes");
    out.click_id = click_id_in(order, "note_attributes", "name");
    if (out.click_id.empty())
        out.click_id = click_id_in_url(text(order, "landing_site"));
    out.occurred_at = text(order, "created_at");
    // An order lists the refunds made so far: they count whether or not refunds/create arrives.
    each_object(order, "refunds", [&](boost::json::object const& r) {
        auto with_order = r;
        if (!with_order.contains("order_id"))
            with_order["order_id"] = out.txid;
        if (auto refund = shopify_refund(with_order); refund && !refund->id.empty() && refund->txid == out.txid)
            out.refunds.push_back(std::move(*refund));
    });
    return out;
}

std::string woocommerce_deleted_order(boost::json::object const& body)
{
    return text(body, "id");
}

std::optional<shop_order> woocommerce_order(boost::json::object const& order)
{
    shop_order out;
    out.txid = text(order, "id");
    if (out.txid.empty() || !order.contains("status"))
        return std::nullopt;
    out.total = text(order, "total");
    out.subtotal = {"total", out.total};
    for (auto const* field : {"shipping_total", "total_tax"})
        if (auto amount = text(order, field); !amount.empty())
            out.not_commissioned.push_back({field, std::move(amount)});
    out.currency = text(order, "currency");
    // WooCommerce's statuses as its REST API names them; a store's own spelling of one
    // ("wc-completed", "Completed") is the same status.
    auto status = text(order, "status");
    std::transform(status.begin(), status.end(), status.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (status.starts_with("wc-"))
        status.erase(0, 3);
    // The block checkout saves the cart being checked out as an order and sends order.updated
    // for it; an abandoned one is deleted a day later, with nothing saying so but order.deleted.
    out.draft = status == "checkout-draft" || status == "draft" || status == "auto-draft";
    if (status == "completed")
        out.status = "approved";
    else if (status == "cancelled" || status == "refunded" || status == "failed" || status == "trash")
        out.status = "rejected";
    else
        out.status = "pending";
    out.codes = codes_of(order, "coupon_lines");
    out.click_id = click_id_in(order, "meta_data", "key");
    if (auto const gmt = text(order, "date_created_gmt"); !gmt.empty())
        out.occurred_at = gmt + (gmt.ends_with('Z') ? "" : "Z");
    // The order keeps its original total; the refunds made so far are listed beside it, each
    // with its id and its total as a negative amount ("-12.00").
    each_object(order, "refunds", [&](boost::json::object const& r) {
        shop_refund refund;
        refund.txid = out.txid;
        refund.id = text(r, "id");
        auto amount = text(r, "total");
        if (amount.starts_with('-'))
            amount.erase(0, 1);
        refund.amounts.push_back(std::move(amount));
        refund.share_of_order = true;
        if (!refund.id.empty())
            out.refunds.push_back(std::move(refund));
    });
    return out;
}

order_bases order_bases_minor(shop_order const& order, std::string_view currency)
{
    order_bases out;
    out.total_minor = minor_of({"total", order.total}, currency);
    auto subtotal = order.subtotal.field == "total" || order.subtotal.field == "total_price"
                        ? out.total_minor
                        : minor_of(order.subtotal, currency);
    for (auto const& part : order.not_commissioned)
        subtotal = saturating_add(subtotal, -minor_of(part, currency));
    for (auto const& part : order.added_back)
        subtotal = saturating_add(subtotal, minor_of(part, currency));
    out.subtotal_minor = std::clamp<std::int64_t>(subtotal, 0, out.total_minor);
    return out;
}

sale sale_from_shop_order(shop_order const& order, offer const& o, std::string_view via)
{
    sale s;
    s.via = std::string(via);
    s.txid = order.txid;
    // Named even when the order names none: its figures were read in the offer's currency, so a
    // sale booked in another stays refused (record_sale reads an unnamed one as the booked sale's).
    s.currency = order.currency.empty() ? o.currency : order.currency;
    auto const bases = order_bases_minor(order, s.currency);
    s.amount_minor = o.commission_base == "total" ? bases.total_minor : bases.subtotal_minor;
    s.status = order.status;
    // The first code that a code of ours could be: a shop's own code past the length a code has,
    // or with control characters, named first refused the whole order (400, never booked).
    for (auto const& code : order.codes)
        if (code.size() <= k_max_code_bytes && clicks::is_clean_text(code)) {
            s.code = code;
            break;
        }
    s.codes = order.codes;
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
            throw http::bad_field("amount", std::string("the refund amount '").append(text).append(
                                                "' is not an amount in ").append(currency));
        total = saturating_add(total, *minor);
    }
    return total;
}

refund_amounts refund_amounts_minor(shop_refund const& refund, std::string_view currency, order_bases const* order)
{
    refund_amounts out;
    out.total_minor = refund_total_minor(refund, currency);
    if (refund.share_of_order && order != nullptr) {
        auto const share = order->total_minor > 0
                               ? divide_half_even(static_cast<__int128>(out.total_minor) * order->subtotal_minor,
                                                  order->total_minor)
                               : 0;
        out.subtotal_minor = static_cast<std::int64_t>(std::clamp<__int128>(share, 0, out.total_minor));
        return out;
    }
    auto subtotal = out.total_minor;
    for (auto const& part : refund.tax_and_shipping)
        subtotal = saturating_add(subtotal, -minor_of(part, currency, true));
    out.subtotal_minor = std::max<std::int64_t>(0, subtotal);
    return out;
}

std::optional<shop_currency_refund> refund_in_shop_currency(shop_refund const& refund, std::string_view shop_currency)
{
    if (refund.money_bags.empty() || refund.money_bags_incomplete)
        return std::nullopt;
    shop_currency_refund out;
    out.currency = refund.shop_currency.empty() ? std::string(shop_currency) : refund.shop_currency;
    out.presented = refund.currency.empty() ? refund.presentment_currency : refund.currency;
    if (out.presented.empty() || out.presented == out.currency || !currency_exponent(out.currency) ||
        !currency_exponent(out.presented) ||
        (!refund.presentment_currency.empty() && refund.presentment_currency != out.presented))
        return std::nullopt;

    // Each part's sum on both sides: [0] in the shop's currency, [1] in the customer's.
    constexpr std::size_t k_parts = 5;
    std::int64_t sums[2][k_parts] = {};
    for (auto const& figure : refund.money_bags) {
        if (figure.presentment.empty())
            return std::nullopt;
        auto const i = static_cast<std::size_t>(figure.part);
        std::string_view const currencies[2] = {out.currency, out.presented};
        std::string const* const amounts[2] = {&figure.shop, &figure.presentment};
        for (std::size_t side = 0; side < 2; ++side) {
            order_amount const amount{figure.field + (side == 0 ? ".shop_money" : ".presentment_money") + ".amount",
                                      *amounts[side]};
            auto const value = figure.part == refund_part::adjustment
                                   ? signed_minor_of(amount, currencies[side])
                                   : minor_of(amount, currencies[side], figure.part == refund_part::shipping);
            sums[side][i] = saturating_add(sums[side][i], value);
        }
    }
    auto const part = [&](std::size_t side, refund_part p) { return sums[side][static_cast<std::size_t>(p)]; };
    // What the refund returned without its items' tax: the items (their tax inside them or not),
    // shipping and duties, less what an adjustment kept back.
    auto const without_tax = [&](std::size_t side) {
        auto sum = saturating_add(part(side, refund_part::items), part(side, refund_part::shipping));
        sum = saturating_add(sum, part(side, refund_part::duties));
        return saturating_sub(sum, part(side, refund_part::adjustment));
    };
    // The transactions say what went back, in the customer's currency: the tax was on top of the
    // items when that money holds it, inside them when it does not, and the bags do not describe
    // this money (part of it pending, a figure we do not read) when neither adds up.
    auto const returned = refund_total_minor(refund, out.presented);
    bool tax_on_top = false;
    if (returned == saturating_add(without_tax(1), part(1, refund_part::items_tax)))
        tax_on_top = true;
    else if (returned != without_tax(1))
        return std::nullopt;
    auto const total = saturating_add(without_tax(0), tax_on_top ? part(0, refund_part::items_tax) : 0);
    out.amounts.total_minor = std::max<std::int64_t>(0, total);
    auto not_commissioned = saturating_add(part(0, refund_part::items_tax), part(0, refund_part::shipping));
    not_commissioned = saturating_add(not_commissioned, part(0, refund_part::duties));
    out.amounts.subtotal_minor =
        std::clamp<std::int64_t>(saturating_sub(total, not_commissioned), 0, out.amounts.total_minor);
    return out;
}

} // namespace linkledger::money
