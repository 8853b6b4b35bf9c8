#include "money/sales_csv.hpp"

#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "money/amount.hpp"
#include "money/conversion_status.hpp"
#include "money/csv_records.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace linkledger::money {
namespace {

constexpr std::size_t k_max_rows = 100'000;

// Header names as networks write them (Awin, CJ, Impact, ShareASale, Rakuten, Tradedoubler), after
// folded() evened case, spaces and dashes; each field names itself too, and a column named
// nowhere here is not read. Only names that can mean nothing but our field: a "Click Date" is
// not the sale's date, "Revenue" may be the sale or the commission, a numbered
// sub id ("SubId2") may carry anything, and an "Order Number" or "Action Id" often sits beside
// the network's transaction id (two columns of one id: the last one would win). A time column
// ("Transaction Time", "Order Time") is not the date: Rakuten writes the day and the hour apart,
// and the hour read as the date refused every row.
constexpr std::array<std::pair<std::string_view, std::string_view>, 47> k_aliases{{
    {"txid", "txid"},
    {"transaction_id", "txid"},
    {"transaction", "txid"},
    {"trans_id", "txid"},
    {"order_id", "txid"},
    {"order", "txid"},
    {"amount", "amount"},
    {"sale_amount", "amount"},
    {"sale_value", "amount"},
    {"order_value", "amount"},
    {"order_amount", "amount"},
    {"transaction_amount", "amount"},
    {"transaction_value", "amount"},
    {"trans_amount", "amount"},
    {"currency", "currency"},
    {"currency_code", "currency"},
    {"status", "status"},
    {"state", "status"},
    {"transaction_status", "status"},
    {"click_id", "click_id"},
    {"clickid", "click_id"},
    {"click_ref", "click_id"},
    {"clickref", "click_id"},
    {"subid", "click_id"},
    {"sub_id", "click_id"},
    {"aff_sub", "click_id"},
    {"code", "code"},
    {"promo_code", "code"},
    {"coupon", "code"},
    {"coupon_code", "code"},
    {"voucher", "code"},
    {"voucher_code", "code"},
    {"discount_code", "code"},
    {"date", "date"},
    {"transaction_date", "date"},
    {"trans_date", "date"},
    {"order_date", "date"},
    {"sale_date", "date"},
    {"event_date", "date"},
    {"conversion_date", "date"},
    {"commission", "commission"},
    {"commission_amount", "commission"},
    {"commission_value", "commission"},
    {"publisher_commission", "commission"},
    {"affiliate_commission", "commission"},
    {"total_commission", "commission"},
    {"payout", "commission"},
}};

// A header name trimmed, lower-cased, spaces and dashes as underscores.
std::string folded(std::string name)
{
    auto const first = name.find_first_not_of(" \t");
    auto const last = name.find_last_not_of(" \t");
    name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return c == ' ' || c == '-' ? '_' : static_cast<char>(std::tolower(c));
    });
    return name;
}

// The field a folded header names; nothing for a column the import does not read.
std::optional<std::string_view> field_of(std::string_view header)
{
    for (auto const& [alias, field] : k_aliases) {
        if (alias == header)
            return field;
    }
    return std::nullopt;
}

std::string cell(csv_row const& row, std::string const& name)
{
    auto const it = row.fields.find(name);
    return it == row.fields.end() ? std::string() : std::string(clicks::trim_spaces(it->second));
}

} // namespace

bool parsed_csv::has_column(std::string_view column) const
{
    return std::find(columns.begin(), columns.end(), column) != columns.end();
}

parsed_csv parse_sales_csv(std::string_view text)
{
    auto table = read_csv(text, k_max_rows);
    parsed_csv out;
    std::vector<std::string> columns; // what each position is read as; "" for a column not read
    for (auto const& name : table.header) {
        auto const header = folded(name);
        auto const field = field_of(header);
        if (!field && !header.empty())
            out.unknown_columns.emplace_back(clicks::trim_spaces(name));
        std::string column(field.value_or(""));
        if (field && !out.has_column(column))
            out.columns.push_back(column);
        columns.push_back(std::move(column));
    }
    for (auto const* required : {"txid", "amount"}) {
        if (!out.has_column(required))
            throw http::bad_field("body", std::string("the header row must name a ") + required + " column",
                                  "invalid_csv");
    }
    out.rows.reserve(table.records.size());
    for (auto& record : table.records) {
        auto& cells = record.cells;
        csv_row row{record.line, {}};
        for (std::size_t i = 0; i < cells.size() && i < columns.size(); ++i) {
            if (columns[i].empty())
                continue;
            auto& kept = row.fields[columns[i]];
            // Two columns of one field: an empty cell never overrides a filled one (a blank
            // "aff_sub" after a filled "Sub ID" booked the sale without its click). Two filled
            // cells of one amount ("Sale Amount" and "Order Amount") or one date ("Order Date" and
            // "Transaction Date") that differ: which one the network meant cannot be known, so the
            // row is refused, naming the field. Ids and the status keep the last filled column's,
            // as before (a report's own sub id beside ours must not refuse every row).
            auto const& column = columns[i];
            bool const must_agree = column == "amount" || column == "commission" || column == "currency" || column == "date";
            auto const before = clicks::trim_spaces(kept);
            auto const now = clicks::trim_spaces(cells[i]);
            if (now.empty() && !before.empty())
                continue;
            if (must_agree && !before.empty() && before != now)
                row.fields["#conflict"] = column;
            if (!must_agree || before.empty())
                kept = std::move(cells[i]);
        }
        if (cells.size() != columns.size())
            row.fields["#cells"] = std::to_string(cells.size());
        out.rows.push_back(std::move(row));
    }
    return out;
}

sale sale_from_csv_row(csv_row const& row, offer const& o, booked_currency_lookup const& booked)
{
    sale s;
    s.via = "csv";
    s.txid = cell(row, "txid");
    if (s.txid.empty())
        throw http::bad_field("txid", "txid is empty");
    s.currency = currency_code(cell(row, "currency"));
    auto const currency = !s.currency.empty() ? s.currency : unnamed_currency(o, s.txid, booked);
    s.currency = currency; // as for a postback: the amounts are read in it
    if (!currency_exponent(currency))
        throw http::bad_field("currency", "'" + s.currency + "' is not an ISO 4217 currency");
    if (cell(row, "amount").empty() && !cell(row, "status").empty() && cell(row, "commission").empty()) {
        // A status alone (a network's report listing a reversal without its amount, "C1,,rejected"),
        // as a status-only postback: it moves the booked sale's status and keeps its figures;
        // record_sale refuses a txid not booked, naming the amount (the txid, for a rejection).
        s.keeps_booked_amount = true;
    } else {
        auto const amount = parse_written_amount(cell(row, "amount"), currency);
        if (!amount || *amount < 0)
            throw http::bad_field("amount", "'" + cell(row, "amount") + "' is not an amount in " + currency +
                                                " (e.g. 19.99, without thousands separators)");
        s.amount_minor = *amount;
    }
    if (auto const commission = cell(row, "commission"); !commission.empty()) {
        auto const minor = parse_written_amount(commission, currency);
        if (!minor || *minor < 0)
            throw http::bad_field("commission", "'" + commission + "' is not an amount");
        s.reported_commission_minor = minor;
    }
    if (auto const word = cell(row, "status"); !word.empty()) {
        auto const status = normalize_status(word);
        if (!status)
            throw http::bad_field("status", "'" + word + "' is not a status we know");
        s.status = *status;
    }
    s.click_id = cell(row, "click_id");
    s.code = cell(row, "code");
    s.occurred_at = cell(row, "date");
    if (!s.occurred_at.empty() && !http::looks_like_iso_time(s.occurred_at))
        throw http::bad_field("date", "'" + s.occurred_at + "' is not a date (YYYY-MM-DD or ISO 8601)");
    return s;
}

} // namespace linkledger::money
