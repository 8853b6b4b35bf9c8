#include "money/postback_params.hpp"

#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/url_params.hpp"
#include "money/amount.hpp"
#include "money/conversion_status.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

namespace linkledger::money {
namespace {

constexpr std::size_t k_max_param_bytes = 200;

} // namespace

// Every parameter from the query string, then (for POST) a form or JSON body; the body wins.
postback_parameters postback_params(http::request const& req, boost::urls::url_view target)
{
    postback_parameters params;
    auto const take = [&](boost::urls::url_view url, std::string const& where) {
        if (!http::has_query_params(url))
            return;
        for (auto const& p : url.params()) {
            if (p.key.size() > 64 || p.value.size() > k_max_param_bytes) {
                // A key that long, or none at all, cannot name the field: the 400 names where.
                if (p.key.empty() || p.key.size() > 64)
                    throw http::bad_field(where, "a parameter in the " + where + " is too long");
                throw http::bad_field(p.key, p.key + " is too long");
            }
            params[p.key] = p.value;
        }
    };
    take(target, "query");
    auto const& body = req.body();
    if (req.method() != http::verb::post || body.empty())
        return params;
    if (body.front() == '{') {
        auto const object = http::json_object_body(req);
        for (auto const& [key, value] : object) {
            if (value.is_string())
                params[key] = std::string(value.as_string());
            else if (value.is_number())
                params[key] = boost::json::serialize(value);
        }
        return params;
    }
    // The view below points into it. Built with append(): g++ 12 -O2 raises a false
    // -Wrestrict on "literal" + string here.
    std::string query(1, '?');
    query.append(body);
    auto const form = boost::urls::parse_uri_reference(query);
    if (!form)
        throw http::bad_field("body", "the body must be form-encoded (a=1&b=2) or a JSON object");
    take(*form, "body");
    return params;
}

// Networks that cannot fill a macro send it as is: "{click_id}" means "none".
std::string postback_param(postback_parameters const& params, std::string const& name)
{
    auto const it = params.find(name);
    if (it == params.end() || (it->second.starts_with('{') && it->second.ends_with('}')))
        return {};
    return it->second;
}

sale sale_from_postback(postback_parameters const& params, offer const& o)
{
    sale s;
    s.via = "postback";
    s.txid = postback_param(params, "txid");
    if (s.txid.empty())
        s.txid = postback_param(params, "transaction_id");
    if (s.txid.empty())
        throw http::bad_field("txid", "txid is required", "required");
    s.currency = postback_param(params, "currency");
    auto const currency = s.currency.empty() ? o.currency : s.currency;
    if (!currency_exponent(currency))
        throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
    auto const amount_text = postback_param(params, "amount");
    if (amount_text.empty())
        throw http::bad_field("amount", "amount is required (in major units, e.g. 19.99)", "required");
    auto const amount = parse_major_amount(amount_text, currency);
    if (!amount || *amount < 0)
        throw http::bad_field("amount", "amount must be a decimal such as 19.99 with at most the decimals of " +
                                            currency);
    s.amount_minor = *amount;
    if (auto const commission = postback_param(params, "commission"); !commission.empty()) {
        auto const minor = parse_major_amount(commission, currency);
        if (!minor || *minor < 0)
            throw http::bad_field("commission", "commission must be a decimal such as 1.99");
        s.reported_commission_minor = minor;
    }
    if (auto const word = postback_param(params, "status"); !word.empty()) {
        auto const normal = normalize_status(word);
        if (!normal)
            throw http::bad_field("status", "status must be pending, approved, rejected or paid (or a usual alias)");
        s.status = *normal;
    }
    s.click_id = postback_param(params, "click_id");
    s.code = postback_param(params, "code");
    return s;
}

} // namespace linkledger::money
