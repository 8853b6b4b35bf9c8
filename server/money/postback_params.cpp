#include "money/postback_params.hpp"

#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"
#include "http/json_strict.hpp"
#include "http/json_body.hpp"
#include "http/target_repair.hpp"
#include "http/url_params.hpp"
#include "money/amount.hpp"
#include "money/click_id_names.hpp"
#include "money/conversion_status.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <set>
#include <span>
#include <string_view>

namespace linkledger::money {
namespace {

constexpr std::size_t k_max_param_bytes = 200;
constexpr std::array<char const*, 3> k_txid_names{"txid", "transaction_id", "order_id"};
constexpr std::array<char const*, 2> k_amount_names{"amount", "sale_amount"};
constexpr std::array<char const*, 2> k_commission_names{"commission", "payout"};
// Every other name sale_from_postback reads.
constexpr std::array<char const*, 3> k_other_names{"currency", "status", "code"};

bool is_one_of(std::string_view key, std::span<char const* const> names)
{
    return std::any_of(names.begin(), names.end(), [key](char const* name) { return key == name; });
}

bool is_txid_name(std::string_view key)
{
    return is_one_of(key, k_txid_names);
}

// A figure, compared as a number when given twice ("10" and "10.00" are one).
bool is_amount_name(std::string_view key)
{
    return is_one_of(key, k_amount_names) || is_one_of(key, k_commission_names);
}

bool is_read_name(std::string_view key)
{
    return is_txid_name(key) || is_one_of(key, k_click_id_names) || is_amount_name(key) || is_one_of(key, k_other_names);
}

bool is_unfilled_macro(std::string_view value)
{
    return value.size() >= 2 && value.starts_with('{') && value.ends_with('}');
}

// "10", "10.0" and "10.00" state one figure (a JSON number restating a query's text, or an
// alias written with other zeros): no conflict between them.
bool same_value(std::string_view a, std::string_view b)
{
    if (a == b)
        return true;
    auto const normal = [](std::string_view v) -> std::optional<std::string> {
        auto const point = v.find('.');
        auto whole = v.substr(0, point);
        auto fraction = point == std::string_view::npos ? std::string_view() : v.substr(point + 1);
        auto const digits = [](std::string_view d) {
            return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
        };
        if (whole.empty() || !digits(whole) || !digits(fraction))
            return std::nullopt;
        while (whole.size() > 1 && whole.front() == '0')
            whole.remove_prefix(1);
        while (!fraction.empty() && fraction.back() == '0')
            fraction.remove_suffix(1);
        return std::string(whole) + "." + std::string(fraction);
    };
    auto const x = normal(a);
    auto const y = normal(b);
    return x && y && *x == *y;
}

// Keys past 64 bytes, values past 200: no network sends those; the 400 names the key, or
// `where` when the key itself cannot name a field. An empty pair ("a=1&&b=2", a trailing
// '&') is what a network's template leaves behind, not an error.
// A name given twice in one place with two values ("amount=1.00&amount=1000.00") is a 400:
// which one the network meant cannot be known, and taking either silently books a wrong sale.
// The same value twice, or an empty one beside a filled one (a template's "click_id=" with the
// creator's own "&click_id=..." appended), is no conflict. Query and body count as one place:
// a body may restate what the query said, not contradict it.
void keep(postback_parameters& params, std::set<std::string>& seen, std::string_view key, std::string_view value,
          std::string const& where)
{
    if (key.size() > 64 || (key.empty() && value.size() > k_max_param_bytes))
        throw http::bad_field(where, "a parameter in the " + where + " is too long");
    if (value.size() > k_max_param_bytes)
        throw http::bad_field(std::string(key), std::string(key) + " is too long");
    if (!key.empty() && !seen.emplace(key).second) {
        auto& kept = params[std::string(key)];
        // Only amounts are compared as numbers: "0012" and "12" are two order ids.
        if (value.empty() || kept == value || (is_amount_name(key) && same_value(kept, value)))
            return;
        // A macro left unfilled says nothing: the value beside it stands.
        if (is_unfilled_macro(value)) {
            if (kept.empty())
                kept = std::string(value);
            return;
        }
        if (!kept.empty() && !is_unfilled_macro(kept))
            throw http::bad_field(std::string(key),
                                  std::string(key) + " is given more than once with different values (the " + where +
                                      " says another)");
    }
    params[std::string(key)] = std::string(value);
}

struct named_value {
    std::string name; // as the network sent it, for the 400
    std::string value;
};

// The first of `names` the network filled in: networks name the same value differently, and
// our own name (first) wins over an alias that may mean something else to that network (its
// own "subid").
named_value first_param(postback_parameters const& params, std::span<char const* const> names)
{
    for (auto const* name : names)
        if (auto value = postback_param(params, name); !value.empty())
            return {name, std::move(value)};
    return {names.front(), {}};
}

// The same for money: two of `names` filled with different values ("amount=1&sale_amount=1000",
// where one network's "amount" is the payout) is a 400 naming both, never one taken silently.
named_value only_param(postback_parameters const& params, std::span<char const* const> names)
{
    auto found = first_param(params, names);
    for (auto const* name : names)
        if (auto value = postback_param(params, name); !value.empty() && !same_value(value, found.value))
            throw http::bad_field(found.name, found.name + " and " + name + " are both given, with different values");
    return found;
}

} // namespace

// Every parameter from the query string, then (for POST) a form or JSON body; a name both give
// must have one value (or be empty in one of them).
postback_parameters postback_params(http::request const& req, boost::urls::url_view target)
{
    postback_parameters params;
    std::set<std::string> seen;
    auto const take = [&](boost::urls::url_view url, std::string const& where) {
        if (!http::has_query_params(url))
            return;
        for (auto const& p : url.params())
            keep(params, seen, p.key, p.value, where);
    };
    take(target, "query");
    auto const& body = req.body();
    if (req.method() != http::verb::post || body.empty())
        return params;
    if (body.front() == '{') {
        std::set<std::string> inexact;
        auto const object = http::json_object_body(req, inexact);
        for (auto const& [key, value] : object) {
            if (value.is_double() && inexact.contains(std::string(key)) && is_read_name(key))
                // Read through a double, 19.999999999999999 would be booked as 20.00, not refused
                // for its decimals; a field we do not read may hold anything.
                throw http::inexact_number(std::string(key));
            if (value.is_string())
                keep(params, seen, key, value.as_string(), "body");
            else if (value.is_double() && is_txid_name(key))
                // A number past 64 bits arrives as a double and would lose digits: another
                // order id, and a repeat no longer recognised as one.
                throw http::bad_field(std::string(key), std::string(key) + " must be a JSON string or a whole number");
            else if (value.is_double())
                keep(params, seen, key, http::decimal_text(value.get_double()), "body");
            else if (value.is_number())
                keep(params, seen, key, boost::json::serialize(value), "body");
            else if (!value.is_null() && is_read_name(key))
                // An array, object or true/false is no value of ours: skipped, it was then
                // reported as missing ("txid is required") or left an alias to stand in.
                throw http::bad_field(std::string(key), std::string(key) + " must be a JSON string or number");
        }
        return params;
    }
    // The view below points into it. Built with append(): g++ 12 -O2 raises a false
    // -Wrestrict on "literal" + string here.
    std::string query(1, '?');
    query.append(body);
    // A raw "{status}" a network left in its form body is read as the query's would be.
    if (!boost::urls::parse_uri_reference(query))
        if (auto repaired = http::repaired_target(query))
            query = std::move(*repaired);
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
    if (it == params.end() || is_unfilled_macro(it->second))
        return {};
    return it->second;
}

std::vector<std::string> unfilled_macros(postback_parameters const& params)
{
    std::vector<std::string> names;
    for (auto const& [key, value] : params)
        if (is_unfilled_macro(value))
            names.push_back(key);
    return names;
}

sale sale_from_postback(postback_parameters const& params, offer const& o, booked_currency_lookup const& booked)
{
    sale s;
    s.via = "postback";
    s.txid = first_param(params, k_txid_names).value;
    if (s.txid.empty())
        throw http::bad_field("txid", "txid is required", "required");
    s.currency = currency_code(postback_param(params, "currency"));
    auto const currency = !s.currency.empty() ? s.currency : unnamed_currency(o, s.txid, booked);
    if (!currency_exponent(currency))
        throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
    // Named, as the amounts below are read in it: a sale booked in another meanwhile (a retry
    // racing this one) is then refused for its currency, never booked at another scale.
    s.currency = currency;
    auto amount_param = only_param(params, k_amount_names);
    amount_param.value = std::string(clicks::trim_spaces(amount_param.value));
    auto const commission = only_param(params, k_commission_names);
    if (amount_param.value.empty()) {
        // A network reverses or approves a sale by its status alone: that moves the booked sale's
        // status and keeps its figures (record_sale refuses a txid not booked). A commission
        // without its amount is a figure of no known sale amount: refused, as before.
        if (postback_param(params, "status").empty() || !commission.value.empty())
            throw http::bad_field("amount",
                                  commission.value.empty()
                                      ? "amount is required (in major units, e.g. 19.99); a status alone updates a booked sale"
                                      : "amount is required with " + commission.name + " (in major units, e.g. 19.99)",
                                  "required");
        s.keeps_booked_amount = true;
    } else {
        auto const amount = parse_written_amount(amount_param.value, currency);
        if (!amount || *amount < 0)
            throw http::bad_field(amount_param.name, amount_param.name +
                                                         " must be a decimal such as 19.99 with at most the decimals of " +
                                                         currency + ", without thousands separators");
        s.amount_minor = *amount;
    }
    if (!commission.value.empty()) {
        auto const minor = parse_written_amount(clicks::trim_spaces(commission.value), currency);
        if (!minor || *minor < 0)
            throw http::bad_field(commission.name, commission.name + " must be a decimal such as 1.99");
        s.reported_commission_minor = minor;
    }
    if (auto const word = postback_param(params, "status"); !word.empty()) {
        auto const normal = normalize_status(word);
        if (!normal)
            throw http::bad_field("status", "status must be pending, approved, rejected or paid (or a usual alias)");
        s.status = *normal;
    }
    s.click_id = first_param(params, k_click_id_names).value;
    s.code = postback_param(params, "code");
    return s;
}

} // namespace linkledger::money
