// A network's postback as a sale: its parameters (query string, then a form or JSON body) and
// their meaning. Pure parsing, no database, so the route and the fuzzer share the same code.
#pragma once

#include "http/types.hpp"
#include "money/offer.hpp"
#include "money/sale_recorder.hpp"

#include <boost/url/url_view.hpp>

#include <map>
#include <string>
#include <vector>

namespace linkledger::money {

using postback_parameters = std::map<std::string, std::string>;

// Every parameter from the request target's query string, then (for POST) from a form or JSON
// body; the body wins. Throws http_error 400 naming the field for one too long or a body that
// is neither.
postback_parameters postback_params(http::request const& req, boost::urls::url_view target);

// The value of `name`, or empty when absent or an unfilled macro such as "{click_id}".
std::string postback_param(postback_parameters const& params, std::string const& name);

// The parameters a network left as an unfilled macro ("{status}", "{txid}"): treated as
// absent, and named in the answer so the network's template can be fixed.
std::vector<std::string> unfilled_macros(postback_parameters const& params);

// The sale the parameters describe for offer `o`; throws http_error 400 naming the field. Its
// amounts are read in the currency the postback names, else in the booked sale's, else in the
// offer's. A status without an amount (absent, empty or an unfilled "{amount}") is a sale that
// keeps its booked amount (sale::keeps_booked_amount); no status either, or a commission without
// its amount, is 400 naming `amount`.
sale sale_from_postback(postback_parameters const& params, offer const& o, booked_currency_lookup const& booked = {});

} // namespace linkledger::money
