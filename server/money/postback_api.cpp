#include "money/postback_api.hpp"

#include "crypto/digest.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/amount.hpp"
#include "money/conversion_status.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <pqxx/pqxx>

#include <map>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

constexpr std::size_t k_max_param_bytes = 200;

// Every parameter from the query string, then (for POST) a form or JSON body; the body wins.
std::map<std::string, std::string> postback_params(http::request_context const& ctx)
{
    std::map<std::string, std::string> params;
    auto const take = [&](boost::urls::url_view url) {
        for (auto const& p : url.params()) {
            if (p.key.size() > 64 || p.value.size() > k_max_param_bytes)
                throw http::bad_field(p.key.size() > 64 ? "query" : p.key, p.key + " is too long");
            params[p.key] = p.value;
        }
    };
    take(ctx.target);
    auto const& body = ctx.req.body();
    if (ctx.req.method() != http::verb::post || body.empty())
        return params;
    if (body.front() == '{') {
        auto const object = http::json_object_body(ctx.req);
        for (auto const& [key, value] : object) {
            if (value.is_string())
                params[key] = std::string(value.as_string());
            else if (value.is_number())
                params[key] = boost::json::serialize(value);
        }
        return params;
    }
    auto const query = "?" + std::string(body); // the view below points into it
    auto const form = boost::urls::parse_uri_reference(query);
    if (!form)
        throw http::bad_field("body", "the body must be form-encoded (a=1&b=2) or a JSON object");
    take(*form);
    return params;
}

// Networks that cannot fill a macro send it as is: "{click_id}" means "none".
std::string param(std::map<std::string, std::string> const& params, std::string const& name)
{
    auto const it = params.find(name);
    if (it == params.end() || (it->second.starts_with('{') && it->second.ends_with('}')))
        return {};
    return it->second;
}

sale sale_from_params(std::map<std::string, std::string> const& params, offer const& o)
{
    sale s;
    s.via = "postback";
    s.txid = param(params, "txid");
    if (s.txid.empty())
        s.txid = param(params, "transaction_id");
    if (s.txid.empty())
        throw http::bad_field("txid", "txid is required", "required");
    s.currency = param(params, "currency");
    auto const currency = s.currency.empty() ? o.currency : s.currency;
    if (!currency_exponent(currency))
        throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
    auto const amount_text = param(params, "amount");
    if (amount_text.empty())
        throw http::bad_field("amount", "amount is required (in major units, e.g. 19.99)", "required");
    auto const amount = parse_major_amount(amount_text, currency);
    if (!amount || *amount < 0)
        throw http::bad_field("amount", "amount must be a decimal such as 19.99 with at most the decimals of " +
                                            currency);
    s.amount_minor = *amount;
    if (auto const commission = param(params, "commission"); !commission.empty()) {
        auto const minor = parse_major_amount(commission, currency);
        if (!minor || *minor < 0)
            throw http::bad_field("commission", "commission must be a decimal such as 1.99");
        s.reported_commission_minor = minor;
    }
    if (auto const word = param(params, "status"); !word.empty()) {
        auto const normal = normalize_status(word);
        if (!normal)
            throw http::bad_field("status", "status must be pending, approved, rejected or paid (or a usual alias)");
        s.status = *normal;
    }
    s.click_id = param(params, "click_id");
    s.code = param(params, "code");
    return s;
}

} // namespace

void add_postback_routes(http::router& routes, db::database& db, attribution_settings settings)
{
    auto const postback = [&db, settings](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const offer_id = http::path_id(ctx.path_param("offer_id"));
        auto const params = postback_params(ctx);
        auto const token = param(params, "token");
        auto const outcome = co_await db.run([&](pqxx::connection& conn) {
            pqxx::work tx(conn);
            auto const o = load_offer(tx, offer_id);
            if (!o)
                throw http::http_error(status::not_found, "not_found", "no such offer", "offer_id");
            auto const digest = crypto::sha256(token);
            if (!crypto::constant_time_equal(
                    std::string_view(reinterpret_cast<char const*>(digest.data()), digest.size()),
                    o->postback_token_sha256))
                throw http::http_error(status::forbidden, "bad_token", "the postback token is wrong", "token");
            auto result = record_sale(tx, *o, sale_from_params(params, *o), settings);
            tx.commit();
            return result;
        });
        co_return http::json_response(status::ok, boost::json::object{{"result", outcome.result},
                                                                      {"conversion", outcome.conversion}});
    };
    routes.add(http::verb::get, "/postback/{offer_id}", postback);
    routes.add(http::verb::post, "/postback/{offer_id}", postback);
}

} // namespace linkledger::money
