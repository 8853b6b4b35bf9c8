#include "money/shop_webhooks_api.hpp"

#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/shop_orders.hpp"

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

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

// A partial refund lowers the sale; a full one rejects it.
boost::json::object apply_refund(pqxx::work& tx, offer const& o, shop_refund const& refund)
{
    auto const rows = tx.exec_params(
        "SELECT id, amount_minor, currency FROM conversions WHERE offer_id = $1 AND txid = $2 FOR UPDATE", o.id,
        refund.txid);
    if (rows.empty())
        return {{"result", "ignored"}, {"reason", "no sale with this order id"}};
    auto const id = rows[0][0].as<std::int64_t>();
    auto const currency = rows[0][2].as<std::string>();
    auto const refunded = refund_total_minor(refund, currency);
    auto const left = std::max<std::int64_t>(0, rows[0][1].as<std::int64_t>() - refunded);
    auto const rule = o.commission;
    auto const commission = rule.type == "reported" ? 0 : commission_for(rule, left, std::nullopt);
    tx.exec_params0("UPDATE conversions SET amount_minor = $2::bigint, commission_minor = CASE WHEN $4::boolean "
                    "THEN commission_minor ELSE $3::bigint END, status = CASE WHEN $2::bigint = 0 THEN 'rejected' "
                    "ELSE status END, updated_at = now() WHERE id = $1",
                    id, left, commission, rule.type == "reported");
    return {{"result", "updated"}, {"conversion", load_conversion(tx, id)}};
}

} // namespace

void add_shop_webhook_routes(http::router& routes, db::database& db, attribution_settings settings)
{
    for (auto const kind : {shop::shopify, shop::woocommerce}) {
        auto const path = kind == shop::shopify ? "/webhooks/shopify/{offer_id}" : "/webhooks/woocommerce/{offer_id}";
        routes.add(http::verb::post, path, [&db, settings, kind](http::request_context& ctx) -> net::awaitable<http::response> {
            auto const offer_id = http::path_id(ctx.path_param("offer_id"));
            auto const topic = std::string(ctx.req["X-Shopify-Topic"]);
            auto body = co_await db.run([&](pqxx::connection& conn) {
                pqxx::work tx(conn);
                auto const o = load_offer(tx, offer_id);
                if (!o)
                    throw http::http_error(status::not_found, "not_found", "no such offer", "offer_id");
                verify_signature(ctx.req, *o, kind);
                boost::system::error_code ec;
                auto const parsed = boost::json::parse(ctx.req.body(), ec);
                // WooCommerce pings a new webhook with "webhook_id=N": signed, not an order.
                if (ec || !parsed.is_object())
                    return boost::json::object{{"result", "ignored"}, {"reason", "not an order"}};
                auto const& payload = parsed.as_object();
                boost::json::object out;
                if (kind == shop::shopify && topic == "refunds/create") {
                    auto const refund = shopify_refund(payload);
                    out = refund ? apply_refund(tx, *o, *refund)
                                 : boost::json::object{{"result", "ignored"}, {"reason", "no refund transaction"}};
                } else {
                    auto const order = kind == shop::shopify ? shopify_order(payload) : woocommerce_order(payload);
                    if (!order)
                        return boost::json::object{{"result", "ignored"}, {"reason", "not an order"}};
                    auto const via = kind == shop::shopify ? "shopify" : "woocommerce";
                    auto const outcome = record_sale(tx, *o, sale_from_shop_order(*order, *o, via), settings);
                    out = boost::json::object{{"result", outcome.result}, {"conversion", outcome.conversion}};
                }
                tx.commit();
                return out;
            });
            co_return http::json_response(status::ok, body);
        }, {.max_body_bytes = k_max_webhook_bytes});
    }
}

} // namespace linkledger::money
