// A network's postback: the request target (first line) and, for POST, a form or JSON body (the
// rest); the first byte picks GET or POST. Parsing must end in a sale or an http_error naming
// the field (the route's 400), never anything else.
#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"
#include "money/postback_params.hpp"
#include "money_checks.hpp"

#include <boost/url/parse.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace linkledger;
using fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0)
        return 0;
    std::string_view text(reinterpret_cast<char const*>(data + 1), size - 1);
    auto const line_end = text.find('\n');
    auto const target_text = text.substr(0, line_end);
    auto const body = line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);

    http::request req{data[0] & 1 ? http::verb::post : http::verb::get, "/postback/1", 11};
    req.body() = std::string(body);
    auto const target = boost::urls::parse_origin_form(target_text);
    if (!target)
        return 0; // the router answers 400 before any postback code runs

    static money::offer const offer = fuzz::euro_offer();
    try {
        auto const params = money::postback_params(req, *target);
        auto const sale = money::sale_from_postback(params, offer);
        fuzz::expect_bookable(sale);
        expect(sale.via == "postback", "a postback sale says so");
        auto const currency = sale.currency.empty() ? offer.currency : sale.currency;
        // The README's aliases: `amount`, else `sale_amount` (the first one filled in), read
        // without the blanks around it as every door reads an amount.
        auto amount_text = money::postback_param(params, "amount");
        if (amount_text.empty())
            amount_text = money::postback_param(params, "sale_amount");
        amount_text = std::string(clicks::trim_spaces(amount_text));
        if (sale.keeps_booked_amount) {
            // A status alone: the booked sale's figures stay, none is read from the postback.
            expect(amount_text.empty() && sale.status.has_value() && !sale.reported_commission_minor,
                   "a sale keeping its booked amount came with a status and no amount or commission");
            return 0;
        }
        fuzz::expect_amount_round_trip(amount_text, currency);
        expect(money::parse_major_amount(amount_text, currency) == sale.amount_minor,
               "the sale amount is the amount parameter (or its alias sale_amount)");
    } catch (http::http_error const& e) {
        if (std::getenv("FUZZ_VERBOSE"))
            std::fprintf(stderr, "http_error %d field='%s': %s\n", static_cast<int>(e.status), e.field.c_str(), e.what());
        expect(e.status == http::status::bad_request, "a bad postback is a 400");
        expect(!e.field.empty(), "a bad postback names the field");
    }
    return 0;
}
