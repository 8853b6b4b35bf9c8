// A network's CSV sales report as POST /api/v1/conversions/import receives it: parsing must end
// in rows or an http_error for the file, and each row in a sale or an http_error naming the
// column (reported per line), never anything else.
#include "http/http_error.hpp"
#include "money/sales_csv.hpp"
#include "money_checks.hpp"

#include <cstdint>

using namespace linkledger;
using fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    static money::offer const offer = fuzz::euro_offer();
    money::parsed_csv csv;
    try {
        csv = money::parse_sales_csv(text);
    } catch (http::http_error const& e) {
        expect(e.status == http::status::bad_request && e.field == "body", "a bad file is a 400 on body");
        return 0;
    }
    std::size_t previous_line = 1;
    for (auto const& row : csv.rows) {
        expect(row.line > previous_line, "rows come after the header, in order");
        previous_line = row.line;
        try {
            auto const sale = money::sale_from_csv_row(row, offer);
            fuzz::expect_bookable(sale);
            expect(sale.via == "csv", "a CSV sale says so");
            auto const currency = sale.currency.empty() ? offer.currency : sale.currency;
            // A status alone has no amount cell to read back (a short row may have none at all).
            if (auto const amount = row.fields.find("amount"); amount != row.fields.end())
                fuzz::expect_amount_round_trip(amount->second, currency);
        } catch (http::http_error const& e) {
            expect(e.status == http::status::bad_request && !e.field.empty(), "a bad row names its column");
        }
    }
    return 0;
}
