#include "links/storefronts.hpp"

#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "links/smart_link.hpp"
#include "links/target_url.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace linkledger::links {
namespace {

struct marketplace {
    std::string_view country;
    std::string_view domain;
};

// Amazon's stores by the country of the follower (Amazon's own redirects send Austrians and
// Swiss to amazon.de, Irish to amazon.co.uk unless amazon.ie is given explicitly).
constexpr std::array<marketplace, 26> k_amazon{{
    {"AE", "amazon.ae"},     {"AT", "amazon.de"},     {"AU", "amazon.com.au"}, {"BE", "amazon.com.be"},
    {"BR", "amazon.com.br"}, {"CA", "amazon.ca"},     {"CH", "amazon.de"},     {"DE", "amazon.de"},
    {"EG", "amazon.eg"},     {"ES", "amazon.es"},     {"FR", "amazon.fr"},     {"GB", "amazon.co.uk"},
    {"IE", "amazon.co.uk"},  {"IN", "amazon.in"},     {"IT", "amazon.it"},     {"JP", "amazon.co.jp"},
    {"LU", "amazon.fr"},     {"MX", "amazon.com.mx"}, {"NL", "amazon.nl"},     {"PL", "amazon.pl"},
    {"SA", "amazon.sa"},     {"SE", "amazon.se"},     {"SG", "amazon.sg"},     {"TR", "amazon.com.tr"},
    {"US", "amazon.com"},    {"ZA", "amazon.co.za"},
}};

constexpr std::string_view k_amazon_template = "https://www.{domain}/dp/{product_id}?tag={tag}";

bool token(std::string_view text, std::size_t max)
{
    return !text.empty() && text.size() <= max && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

void replace_all(std::string& text, std::string_view from, std::string_view to)
{
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
}

std::string required_token(boost::json::object const& o, std::string_view name, std::string const& field,
                           std::size_t max)
{
    auto const* v = o.if_contains(name);
    if (!v || v->is_null())
        throw http::bad_field(field, field + " is required", "required");
    if (!v->is_string() || !token(v->as_string(), max))
        throw http::bad_field(field, field + " must be letters, digits, '-', '_' or '.' (at most " +
                                         std::to_string(max) + ")");
    return std::string(v->as_string());
}

bool only_country(boost::json::value const& rule)
{
    auto const* object = rule.if_object();
    if (!object)
        return false;
    auto const* when = object->if_contains("if");
    return when && when->is_object() && when->as_object().size() == 1 && when->as_object().contains("country");
}

} // namespace

std::optional<std::string_view> amazon_domain(std::string_view country)
{
    for (auto const& m : k_amazon)
        if (m.country == country)
            return m.domain;
    return std::nullopt;
}

boost::json::array storefront_rules(boost::json::object const& body)
{
    http::reject_unknown_fields(body, {"product_id", "storefronts", "url_template"});
    auto const product = required_token(body, "product_id", "product_id", 64);
    std::string url_template(k_amazon_template);
    bool const amazon = !body.contains("url_template") || body.at("url_template").is_null();
    if (!amazon) {
        url_template = http::optional_string(body, "url_template", k_max_target_length).value_or("");
        auto sample = url_template;
        replace_all(sample, "{domain}", "shop.example");
        replace_all(sample, "{product_id}", "p1");
        replace_all(sample, "{tag}", "t1");
        if (auto problem = target_url_problem(sample))
            throw http::bad_field("url_template", "url_template: " + *problem);
    }
    auto const* list = body.if_contains("storefronts");
    if (!list || !list->is_array() || list->as_array().empty())
        throw http::bad_field("storefronts", "storefronts must list at least one {\"country\", \"tag\"}");
    if (list->as_array().size() > k_max_rules)
        throw http::bad_field("storefronts", "storefronts may list at most 20 countries", "too_many_rules");

    boost::json::array rules;
    std::vector<std::string> seen;
    auto const& items = list->as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto const field = "storefronts[" + std::to_string(i) + "]";
        if (!items[i].is_object())
            throw http::bad_field(field, field + " must be an object with \"country\" and \"tag\"");
        auto const& s = items[i].as_object();
        for (auto const& member : s)
            if (member.key() != "country" && member.key() != "tag" && member.key() != "domain" &&
                member.key() != "target_url")
                throw http::bad_field(field + "." + std::string(member.key()),
                                      "unknown storefront member '" + std::string(member.key()) + "'");
        auto country = required_token(s, "country", field + ".country", 2);
        std::transform(country.begin(), country.end(), country.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (country.size() != 2 || !std::isalpha(static_cast<unsigned char>(country[0])) ||
            !std::isalpha(static_cast<unsigned char>(country[1])))
            throw http::bad_field(field + ".country", field + ".country must be a two-letter ISO 3166 country code");
        if (std::find(seen.begin(), seen.end(), country) != seen.end())
            throw http::bad_field(field + ".country", "country " + country + " is listed twice");
        seen.push_back(country);

        std::string target;
        if (s.contains("target_url") && !s.at("target_url").is_null()) {
            target = http::optional_string(s, "target_url", k_max_target_length).value_or("");
            if (auto problem = target_url_problem(target))
                throw http::bad_field(field + ".target_url", *problem);
        } else {
            auto const tag = required_token(s, "tag", field + ".tag", 64);
            std::string domain;
            if (s.contains("domain") && !s.at("domain").is_null()) {
                domain = required_token(s, "domain", field + ".domain", 253);
            } else if (amazon || url_template.find("{domain}") != std::string::npos) {
                auto const known = amazon ? amazon_domain(country) : std::nullopt;
                if (!known)
                    throw http::bad_field(field + ".domain",
                                          amazon ? "Amazon has no store for " + country + ": give its \"domain\""
                                                 : field + ".domain is required by url_template",
                                          "required");
                domain = std::string(*known);
            }
            target = url_template;
            replace_all(target, "{domain}", domain);
            replace_all(target, "{product_id}", product);
            replace_all(target, "{tag}", tag);
            if (auto problem = target_url_problem(target))
                throw http::bad_field(field, *problem);
        }
        rules.push_back(boost::json::object{{"if", boost::json::object{{"country", boost::json::array{country}}}},
                                            {"target_url", target}});
    }
    return rules;
}

std::string with_storefront_rules(std::string const& stored_rules, boost::json::array const& fresh)
{
    boost::json::array combined;
    auto const stored = boost::json::parse(stored_rules);
    if (stored.is_array())
        for (auto const& rule : stored.as_array())
            if (!only_country(rule))
                combined.push_back(rule);
    for (auto const& rule : fresh)
        combined.push_back(rule);
    if (combined.size() > k_max_rules)
        throw http::bad_field("storefronts",
                              "the link would have " + std::to_string(combined.size()) +
                                  " rules with these storefronts; it may have at most 20",
                              "too_many_rules");
    return boost::json::serialize(parse_rules(combined).normalized);
}

} // namespace linkledger::links
