#include "money/shop_webhooks_api.hpp"

#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "db/pg_array.hpp"
#include "http/http_error.hpp"
#include "http/json_strict.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "money/import_wait.hpp"
#include "money/intake_audit.hpp"
#include "money/order_lock.hpp"
#include "money/shop_orders.hpp"
#include "money/shop_refund_totals.hpp"

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr std::size_t k_max_webhook_bytes = 1024 * 1024; // big orders carry many line items

enum class shop { shopify, woocommerce };

void verify_signature(http::request const& req, offer const& o, shop kind)
{
    auto const header = req[kind == shop::shopify ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature"];
    crypto::hmac_sha256 mac(o.webhook_secret);
    auto const expected = crypto::base64(mac.mac(req.body()));
    if (header.empty() || !crypto::constant_time_equal(expected, std::string_view(header.data(), header.size())))
        throw http::http_error(status::unauthorized, "bad_signature", "the webhook signature does not match",
                               kind == shop::shopify ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature");
}

// A shop sale's booked amount is a function of facts stored once each: the order's own base
// before refunds (on the conversion) and the refunds of that order (shop_refunds, keyed by
// (offer, refund id)). It is recomputed from them whenever either arrives, so neither a repeated
// delivery nor the order of arrival can change it: max(0, base - refunds of that base). A
// refund seen again with more of its money returned (a pending transaction that succeeded
// since) counts the larger figure; never less. A refund kept in the customer's currency (Shopify
// Markets, its money bags missing or not yet adding up) is replaced by its price in the shop's
// currency when a delivery brings that ($7: the customer's currency, '' otherwise), and never
// the other way round. A refund kept before migration 0031 without the mark of a share of its
// order (a WooCommerce refund of a sale first booked by postback) takes it when delivered again.

constexpr char const* k_refund_known = "SELECT 1 FROM shop_refunds WHERE offer_id = $1 AND refund_id = $2";

// The latest of the given times PostgreSQL can read, for the adjustment of a paid sale (0043).
constexpr char const* k_adjust_at_latest = R"sql(
SELECT set_config('linkledger.adjustment_at', COALESCE(max(linkledger_time_or_null(t))::text, ''), true)
FROM unnest($1::text[]) t
)sql";

// Runs `book` with a paid sale's adjustment dated when the shop made its refunds, the latest of
// `made` (migration 0043: as the shop's own records date it, not when the delivery came); with
// none, dated on arrival. The time is the statement's only: reset once `book` is done.
template <class Book>
auto dated_by_refunds(pqxx::work& tx, std::vector<std::string> const& made, Book&& book)
{
    if (made.empty())
        return book();
    tx.exec_params(k_adjust_at_latest, db::to_pg_array(made));
    auto result = book();
    tx.exec("SELECT set_config('linkledger.adjustment_at', '', true)");
    return result;
}

constexpr char const* k_insert_refund = R"sql(
INSERT INTO shop_refunds (offer_id, refund_id, txid, amount_minor, subtotal_minor, currency, share_of_order)
VALUES ($1, $2, $3, $4, $5, $6, $8)
ON CONFLICT (offer_id, refund_id) DO UPDATE
    SET amount_minor = CASE WHEN shop_refunds.currency = excluded.currency
                            THEN GREATEST(shop_refunds.amount_minor, excluded.amount_minor)
                            ELSE excluded.amount_minor END,
        subtotal_minor = CASE WHEN shop_refunds.currency = excluded.currency
                              THEN GREATEST(shop_refunds.subtotal_minor, excluded.subtotal_minor)
                              ELSE excluded.subtotal_minor END,
        currency = excluded.currency,
        share_of_order = excluded.share_of_order
    WHERE (shop_refunds.currency = excluded.currency
           AND (excluded.amount_minor > shop_refunds.amount_minor OR excluded.subtotal_minor > shop_refunds.subtotal_minor))
       OR shop_refunds.currency = $7
       OR shop_refunds.share_of_order <> excluded.share_of_order
)sql";

// The currency a refund is kept in after a delivery of it: one already priced in the shop's stays
// so when a later delivery cannot price it there.
constexpr char const* k_kept_currency = R"sql(
SELECT currency FROM shop_refunds WHERE offer_id = $1 AND refund_id = $2
)sql";

constexpr char const* k_sale_of_order = R"sql(
SELECT id, amount_minor, currency, status, commission_minor, order_subtotal_minor, order_total_minor,
       commission_type, commission_rate_bps, commission_fixed_minor, stated_commission_minor, stated_amount_minor,
       commission_base, status_set_by_hand, shop_stated_status
FROM conversions WHERE offer_id = $1 AND txid = $2 FOR UPDATE
)sql";


// A sale booked before the order's base was kept (by postback, by hand, or before migration
// 0008): what it was booked at is the base the refunds still to come are taken from. The amount
// it stood at when the shop made the refund ($2, the refund's created_at; migration 0040), when
// larger than it stands at now: a network lowers a sale to its net figure once the shop refunds,
// and a refund delivered after that was taken off the net figure again (100.00, restated 60.00,
// refund of 40.00: 20.00). A larger figure now is the network's correction of the order, and
// stays the base (50.00, refund of 10.00, corrected to 100.00: 90.00). A base copied so (never
// one an order delivery gave) is raised by a refund made earlier and delivered later than
// another: the refund made after the lowering, delivered first, had copied the lowered figure
// (60.00 less both refunds: 10.00, where the order less them is 50.00). Returns the sale's amount
// when the refund was made, when it is more than the base had been, and the amount booked now.
constexpr char const* k_keep_base_once = R"sql(
WITH sale AS (
    SELECT c.amount_minor AS now_minor,
           (SELECT h.amount_minor FROM conversion_amounts h
            WHERE h.conversion_id = c.id AND h.since <= linkledger_time_or_null($2)
            ORDER BY h.since DESC, h.id DESC LIMIT 1) AS then_minor,
           c.order_subtotal_minor AS subtotal_before, c.order_total_minor AS total_before
    FROM conversions c WHERE c.id = $1
)
UPDATE conversions SET order_subtotal_minor = GREATEST(COALESCE(order_subtotal_minor, sale.now_minor), sale.then_minor),
                       order_total_minor = GREATEST(COALESCE(order_total_minor, sale.now_minor), sale.then_minor)
FROM sale
WHERE id = $1 AND NOT order_bases_from_shop
  AND (order_subtotal_minor IS NULL OR order_total_minor IS NULL
       OR sale.then_minor > order_subtotal_minor OR sale.then_minor > order_total_minor)
RETURNING sale.then_minor, sale.now_minor
)sql";

constexpr char const* k_keep_order_bases = R"sql(
UPDATE conversions SET order_subtotal_minor = $2, order_total_minor = $3, order_bases_from_shop = true
WHERE id = $1 AND (order_subtotal_minor IS DISTINCT FROM $2 OR order_total_minor IS DISTINCT FROM $3
                   OR NOT order_bases_from_shop)
)sql";

// A refund in full rejects the sale, whoever set its status: the status is the shop's from then
// on, and its rejection is stated (migration 0036: its order's later updates restate it, which
// does not undo a status set by hand afterwards). A sale an older node booked without its base
// (a rolling upgrade) keeps the one it is priced on now.
constexpr char const* k_rebook = R"sql(
UPDATE conversions SET amount_minor = $2, commission_minor = $3, status = $4, updated_at = now(),
                       status_set_by_hand = status_set_by_hand AND status = $4,
                       shop_stated_status = CASE WHEN $4 = 'rejected' THEN 'rejected' ELSE shop_stated_status END,
                       commission_base = COALESCE(commission_base, $5)
WHERE id = $1
)sql";

// Deliveries are kept 30 days (migration 0008); the prune rides on new deliveries.
constexpr char const* k_insert_delivery = R"sql(
INSERT INTO shop_deliveries (offer_id, shop, delivery_id) VALUES ($1, $2, $3)
ON CONFLICT (offer_id, shop, delivery_id) DO NOTHING RETURNING 1
)sql";
constexpr char const* k_prune_deliveries = R"sql(
DELETE FROM shop_deliveries WHERE received_at < now() - interval '30 days'
)sql";

// A refund's transactions are in the currency they name, else in `fallback` (its sale's, or the
// offer's).
std::string refund_currency(shop_refund const& refund, std::string const& fallback)
{
    return currency_exponent(refund.currency) ? refund.currency : fallback;
}

// Keeps a refund once; a repeat of it (same id) changes nothing. A refund without an id could
// not be told from its repeat, so it is not counted (Shopify's always have one). A refund is
// priced in the shop's currency when its money bags can (Shopify Markets, see shop_orders.hpp),
// else in its transactions'. Returns the currency it is kept in: one in another currency than
// its sale is never taken off it, whichever of the two arrives first. `sale_currency` is the
// sale's, or the offer's while the order has not arrived.
std::string keep_refund(pqxx::work& tx, offer const& o, shop_refund const& refund, std::string const& sale_currency,
                        order_bases const* order = nullptr)
{
    if (refund.id.size() > 200)
        throw http::bad_field("id", "a refund id is at most 200 characters");
    if (auto const in_shop = refund_in_shop_currency(refund, sale_currency)) {
        tx.exec_params0(k_insert_refund, o.id, refund.id, refund.txid, in_shop->amounts.total_minor,
                        in_shop->amounts.subtotal_minor, in_shop->currency, in_shop->presented, false);
    } else {
        auto const currency = refund_currency(refund, sale_currency);
        auto const amounts = refund_amounts_minor(refund, currency, currency == sale_currency ? order : nullptr);
        tx.exec_params0(k_insert_refund, o.id, refund.id, refund.txid, amounts.total_minor, amounts.subtotal_minor,
                        currency, "", refund.share_of_order);
    }
    return tx.exec_params1(k_kept_currency, o.id, refund.id)[0].as<std::string>();
}

std::string not_counted_reason(std::string const& refund_in, std::string const& sale_in)
{
    return "the refund is in " + refund_in + " and the sale in " + sale_in +
           ": it is kept but not taken off the sale (its money bags do not price it in " + sale_in +
           ": missing, or not adding up to the money returned); settle it by hand";
}

// The amount left after refunds, and the status: a sale refunded in full is rejected.
struct booked_amount {
    std::int64_t amount_minor = 0;
    std::string status;
};
booked_amount after_refunds(std::int64_t base, std::int64_t refunded, std::string status)
{
    auto const left = std::max<std::int64_t>(0, base - std::min(base, refunded));
    return {left, refunded > 0 && left == 0 ? std::string("rejected") : std::move(status)};
}

// The refund's created_at for PostgreSQL to read (linkledger_time_or_null): a time is short
// printable text; anything else is no time, and the refund is taken as before, off the sale as
// it stands.
std::optional<std::string> refund_time(shop_refund const& refund)
{
    auto const& at = refund.created_at;
    if (at.empty() || at.size() > 64 ||
        !std::all_of(at.begin(), at.end(), [](char c) { return c > ' ' && c < 0x7f; }))
        return std::nullopt;
    return at;
}

boost::json::object apply_refund(pqxx::work& tx, offer const& o, shop_refund const& refund)
{
    if (refund.id.empty())
        return {{"result", "ignored"}, {"reason", "a refund without an id cannot be counted once"}};
    lock_sale(tx, o.id, refund.txid);
    auto const rows = tx.exec_params(k_sale_of_order, o.id, refund.txid);
    if (rows.empty()) {
        // Deliveries can overtake each other: the refund counts when its order arrives.
        keep_refund(tx, o, refund, o.currency);
        return {{"result", "recorded"}, {"reason", "no sale with this order id yet; the refund counts when it arrives"}};
    }
    auto const& row = rows[0];
    auto const id = row[0].as<std::int64_t>();
    auto const currency = row[2].as<std::string>();
    boost::json::array warnings;
    auto const base_kept = tx.exec_params(k_keep_base_once, id, refund_time(refund));
    if (!base_kept.empty() && !base_kept[0][0].is_null() &&
        base_kept[0][0].as<std::int64_t>() > base_kept[0][1].as<std::int64_t>())
        warnings.emplace_back("the shop made this refund on " + refund.created_at + ", when the sale stood at " +
                              money_text(base_kept[0][0].as<std::int64_t>(), currency) + " (" +
                              money_text(base_kept[0][1].as<std::int64_t>(), currency) +
                              " now): the refunds are taken off the order as it stood, not off a figure lowered since");
    auto const kept_in = keep_refund(tx, o, refund, currency);
    if (kept_in != currency)
        return {{"result", "recorded"}, {"reason", not_counted_reason(kept_in, currency)},
                {"conversion", load_conversion(tx, id)}};
    auto const kept = tx.exec_params1("SELECT order_subtotal_minor, order_total_minor FROM conversions WHERE id = $1", id);
    order_bases const bases{kept[0].as<std::int64_t>(), kept[1].as<std::int64_t>()};
    // The refund takes its share of the base the sale was booked on, whatever the offer says now.
    auto priced_on = o;
    priced_on.commission_base = booked_commission_base(row[12], o.commission_base);
    auto const base = priced_on.commission_base == "total" ? bases.total_minor : bases.subtotal_minor;
    auto booked = after_refunds(base, refunded_of_order(tx, priced_on, refund.txid, currency, bases),
                                row[3].as<std::string>());
    // A rejection the shop stated before (a refund in full delivered again: Shopify sends
    // refunds/create and the order listing it, and retries for 48 hours) is no news: a status the
    // creator set by hand since stays, as record_sale keeps it.
    if (booked.status == "rejected" && row[13].as<bool>() && !row[14].is_null() &&
        row[14].as<std::string>() == "rejected")
        booked.status = row[3].as<std::string>();
    // A network's reported commission is its own figure: a refund does not recompute it, but takes
    // its share of it as stated, with the amount it was stated for (migration 0034), rounded once,
    // as an order delivery listing the refunds does through record_sale. Scaled from the figure
    // the previous refund left, 7.03 on 100.00 came to 4.93 after three refunds of 10.00 where
    // the network's statement says 4.92. A sale booked before that was kept goes on from the
    // figure it holds.
    auto const rule = booked_rule(row, 7, o.commission);
    auto const stated = !row[10].is_null() && !row[11].is_null();
    auto const commission =
        rule.type == "reported"
            ? reported_commission_at(stated ? row[10].as<std::int64_t>() : row[4].as<std::int64_t>(),
                                     stated ? row[11].as<std::int64_t>() : row[1].as<std::int64_t>(),
                                     booked.amount_minor, o.allow_commission_above_amount)
            : commission_for(rule, booked.amount_minor, std::nullopt);
    boost::json::object out;
    if (booked.amount_minor == row[1].as<std::int64_t>() && booked.status == row[3].as<std::string>() &&
        commission == row[4].as<std::int64_t>()) {
        out = {{"result", "unchanged"}, {"conversion", load_conversion(tx, id)}};
    } else {
        auto const made = refund_time(refund);
        dated_by_refunds(tx, made ? std::vector<std::string>{*made} : std::vector<std::string>{}, [&] {
            tx.exec_params0(k_rebook, id, booked.amount_minor, commission, booked.status, priced_on.commission_base);
            return true;
        });
        out = {{"result", "updated"}, {"conversion", load_conversion(tx, id)}};
    }
    if (!warnings.empty())
        out["warnings"] = std::move(warnings);
    return out;
}

// A WooCommerce order deleted (order.deleted, from the trash or for good): its sale is void, as
// a cancelled one is; an order never booked (a checkout draft) stays unbooked.
constexpr char const* k_reject_deleted = R"sql(
UPDATE conversions SET status = 'rejected', shop_stated_status = 'rejected', status_set_by_hand = false,
                       updated_at = now()
WHERE id = $1
)sql";

boost::json::object reject_deleted_order(pqxx::work& tx, offer const& o, std::string const& txid)
{
    if (txid.empty())
        return {{"result", "ignored"}, {"reason", "not an order"}};
    lock_sale(tx, o.id, txid);
    auto const rows = tx.exec_params(k_sale_of_order, o.id, txid);
    if (rows.empty())
        return {{"result", "ignored"}, {"reason", "a deleted order with no sale"}};
    auto const id = rows[0][0].as<std::int64_t>();
    if (rows[0][3].as<std::string>() == "rejected")
        return {{"result", "unchanged"}, {"conversion", load_conversion(tx, id)}};
    tx.exec_params0(k_reject_deleted, id);
    return {{"result", "updated"}, {"conversion", load_conversion(tx, id)}};
}

// An order (created, paid, updated...): its refunds are kept, then the sale is booked at its base
// less every refund known for it.
boost::json::object apply_order(pqxx::work& tx, offer const& o, shop_order const& order, std::string_view via,
                                attribution_settings const& settings)
{
    lock_sale(tx, o.id, order.txid);
    // A sale already booked keeps the base it was booked on (a booked sale keeps its rule): a tag
    // or a fulfilment after the offer was switched from "subtotal" to "total" re-priced a settled
    // 45.00 sale at 60.00. A new sale takes the offer's.
    auto priced_on = o;
    priced_on.commission_base = booked_base(tx, o.id, order.txid).value_or(o.commission_base);
    auto s = sale_from_shop_order(order, priced_on, via);
    // Signed: a real order, whose time only the shop's clock can have got wrong.
    s.arrival_when_ahead = true;
    auto const currency = s.currency.empty() ? o.currency : s.currency;
    auto const bases = order_bases_minor(order, currency);
    boost::json::array not_counted;
    // The times the shop made the refunds this delivery brings first: a paid sale they lower is
    // adjusted when the last of them was made, as refunds/create dates it (whichever of the two
    // deliveries Shopify sends arrives first).
    std::vector<std::string> new_refund_times;
    for (auto const& refund : order.refunds) {
        if (auto const at = refund_time(refund);
            at && !refund.id.empty() && tx.exec_params(k_refund_known, o.id, refund.id).empty())
            new_refund_times.push_back(*at);
        auto const kept_in = keep_refund(tx, o, refund, currency, &bases);
        if (kept_in != currency)
            not_counted.push_back({{"refund_id", refund.id}, {"reason", not_counted_reason(kept_in, currency)}});
    }
    auto const booked =
        after_refunds(s.amount_minor, refunded_of_order(tx, priced_on, s.txid, currency, bases), order.status);
    s.amount_minor = booked.amount_minor;
    s.status = booked.status;
    auto const outcome = dated_by_refunds(tx, new_refund_times, [&] { return record_sale(tx, priced_on, s, settings); });
    tx.exec_params0(k_keep_order_bases, outcome.id, bases.subtotal_minor, bases.total_minor);
    boost::json::array warnings;
    for (auto const& warning : outcome.warnings)
        warnings.emplace_back(warning.text);
    boost::json::object out{{"result", outcome.result}, {"conversion", outcome.conversion}, {"warnings", std::move(warnings)}};
    if (!not_counted.empty())
        out["refunds_not_counted"] = std::move(not_counted);
    return out;
}

// True the first time a delivery id is seen for this offer and shop. Recorded in the request's
// transaction: a delivery that fails (400, 500) is not recorded, so the shop's retry is handled.
bool first_delivery(pqxx::work& tx, offer const& o, shop kind, std::string_view header, std::string const& id)
{
    if (id.size() > 200)
        throw http::bad_field(std::string(header), "a delivery id is at most 200 characters");
    auto const fresh = tx.exec_params(k_insert_delivery, o.id, kind == shop::shopify ? "shopify" : "woocommerce", id);
    if (fresh.empty())
        return false;
    tx.exec0(k_prune_deliveries);
    return true;
}

} // namespace

void add_shop_webhook_routes(http::router& routes, db::database& db, attribution_settings settings)
{
    for (auto const kind : {shop::shopify, shop::woocommerce}) {
        auto const path = kind == shop::shopify ? "/webhooks/shopify/{offer_id}" : "/webhooks/woocommerce/{offer_id}";
        routes.add(http::verb::post, path, [&db, settings, kind](http::request_context& ctx) -> net::awaitable<http::response> {
            auto const offer_id = http::path_id(ctx.path_param("offer_id"));
            auto const topic = std::string(ctx.req["X-Shopify-Topic"]);
            auto const woo_topic = std::string(ctx.req["X-WC-Webhook-Topic"]);
            // Shopify names each delivery in X-Shopify-Webhook-Id (the same on every retry);
            // WooCommerce in X-WC-Webhook-Delivery-ID.
            auto const delivery_header = kind == shop::shopify ? "X-Shopify-Webhook-Id" : "X-WC-Webhook-Delivery-ID";
            auto const delivery = std::string(ctx.req[delivery_header]);
            intake const in{kind == shop::shopify ? "shopify" : "woocommerce", offer_id, ctx.remote_ip};
            auto handle = [&](pqxx::connection& conn) {
                try {
                    pqxx::work tx(conn);
                    db::wait_as_long_as_needed(tx);
                    auto const o = load_offer(tx, offer_id);
                    if (!o)
                        throw http::http_error(status::not_found, "not_found", "no such offer", "offer_id");
                    verify_signature(ctx.req, *o, kind);
                    leave_if_an_import_holds_offer(tx, o->id);
                    if (!delivery.empty() && !first_delivery(tx, *o, kind, delivery_header, delivery))
                        return boost::json::object{{"result", "duplicate"},
                                                   {"reason", "this delivery was handled already"},
                                                   {"delivery_id", delivery}};
                    boost::system::error_code ec;
                    auto const parsed = boost::json::parse(ctx.req.body(), ec);
                    if (!ec)
                        http::refuse_duplicate_keys(ctx.req.body());
                    boost::json::object out;
                    // WooCommerce pings a new webhook with "webhook_id=N": signed, not an order.
                    if (ec || !parsed.is_object()) {
                        out = {{"result", "ignored"}, {"reason", "not an order"}};
                    } else if (kind == shop::shopify && topic == "refunds/create") {
                        auto const refund = shopify_refund(parsed.as_object());
                        out = refund ? apply_refund(tx, *o, *refund)
                                     : boost::json::object{{"result", "ignored"}, {"reason", "no refund transaction"}};
                    } else if (auto const order = kind == shop::shopify ? shopify_order(parsed.as_object())
                                                                        : woocommerce_order(parsed.as_object())) {
                        // A test order (bogus gateway, test payments) was booked as a real sale, and a
                        // WooCommerce checkout draft as a pending one that nothing ever settled.
                        out = order->test    ? boost::json::object{{"result", "ignored"}, {"reason", "a test order"}}
                              : order->draft ? boost::json::object{{"result", "ignored"},
                                                                   {"reason", "a checkout draft, not an order yet"}}
                                             : apply_order(tx, *o, *order, kind == shop::shopify ? "shopify" : "woocommerce",
                                                           settings);
                    } else if (kind == shop::woocommerce && woo_topic == "order.deleted") {
                        out = reject_deleted_order(tx, *o, woocommerce_deleted_order(parsed.as_object()));
                    } else {
                        out = {{"result", "ignored"}, {"reason", "not an order"}};
                    }
                    audit_accepted(tx, in, out);
                    tx.commit();
                    return out;
                } catch (http::http_error const& refusal) {
                    audit_refused(conn, in, refusal);
                    throw;
                }
            };
            auto const body = co_await run_beside_imports(db, offer_id, handle);
            co_return http::json_response(status::ok, body);
        }, {.max_body_bytes = k_max_webhook_bytes});
    }
}

} // namespace linkledger::money
