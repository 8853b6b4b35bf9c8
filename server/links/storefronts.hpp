// The storefront preset (POST /api/v1/links/{id}/storefronts): one product sold on several
// Amazon marketplaces (or any shop with one domain per country) becomes one ordinary rule per
// country, each sending that country's followers to their own store with that store's
// associate tag. The rules are plain rules afterwards: editable, reorderable, removable.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace linkledger::links {

// The Amazon marketplace domain followers in `country` (ISO alpha-2, upper-case) shop on,
// e.g. "amazon.fr"; nothing when Amazon has none for it.
std::optional<std::string_view> amazon_domain(std::string_view country);

// The rules the preset's body asks for, checked (400 naming e.g. "storefronts[2].tag"):
//   {"product_id": "B08N5WRWNW",
//    "storefronts": [{"country": "FR", "tag": "lea-21"}, {"country": "AT", "tag": "lea0d-21"}],
//    "url_template": optional, default "https://www.{domain}/dp/{product_id}?tag={tag}"}
// A storefront may name its "domain" (required with a url_template that uses {domain} for a
// shop other than Amazon) or give a whole "target_url" instead of a tag.
boost::json::array storefront_rules(boost::json::object const& body);

// The stored rules with the preset's applied: rules that test nothing but the country (what
// an earlier run of the preset wrote, or equivalent) are replaced; the others keep their
// place first. Throws a 400 on "storefronts" when the result would pass 20 rules. Returns
// the normalized JSON text to store.
std::string with_storefront_rules(std::string const& stored_rules, boost::json::array const& fresh);

} // namespace linkledger::links
