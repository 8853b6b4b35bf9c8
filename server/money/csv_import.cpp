#include "money/csv_import.hpp"

#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"
#include "money/order_lock.hpp"
#include "money/sale_checks.hpp"

#include <pqxx/pqxx>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::money {

boost::json::object import_sales(pqxx::dbtransaction& tx, std::int64_t offer_id, parsed_csv const& csv,
                                 attribution_settings const& settings)
{
    auto const o = load_offer(tx, offer_id);
    if (!o)
        throw http::bad_field("offer_id", "no such offer", "not_found");
    // Before any sale of the file is read (order_lock.hpp): a refund the shop delivers meanwhile
    // then waits for the import, or the import for it, and each sees the other's.
    std::vector<std::string_view> sales;
    for (auto const& row : csv.rows)
        if (auto const txid = row.fields.find("txid"); txid != row.fields.end())
            sales.push_back(txid->second);
    lock_import_sales(tx, o->id, sales);
    // The network's figure is the commission of a reported offer. A file without it is still read:
    // a status update ("txid,amount,status") keeps each booked sale's commission, as record_sale
    // keeps it for a postback without one; but a new sale of it is booked at 0, which is said.
    boost::json::array warnings;
    if (o->commission.type == "reported" && !csv.has_column("commission"))
        warnings.emplace_back("this offer pays the network's commission and the file has no commission column: new "
                              "sales are booked at commission 0, sales already booked keep theirs (in proportion to "
                              "a row's new amount)");
    std::map<std::string, std::int64_t> totals{{"created", 0}, {"updated", 0}, {"unchanged", 0}, {"failed", 0}};
    boost::json::array rows;
    // Told, not counted as failures: a network's export has many columns no sale needs (an
    // Awin report some twenty), and every sale of it may still be booked.
    boost::json::array unknown;
    for (auto const& name : csv.unknown_columns)
        unknown.emplace_back(name);
    // One row per sale: the first line of each txid (whatever becomes of it) is the one the file
    // states; a later one would overwrite it (30.00 then 20.00 booked 20.00, not the 50.00 the
    // statement adds up to). Compared as record_sale will book them, trimmed.
    std::map<std::string, std::size_t> first_line_of_txid;
    // Rows with a warning, by what it is about (sale_warning::about).
    std::map<std::string, std::size_t> rows_warned;
    for (auto const& row : csv.rows) {
        boost::json::object result{{"line", row.line}};
        try {
            if (auto const txid = row.fields.find("txid"); txid != row.fields.end()) {
                auto key = canonical_txid(txid->second);
                if (!key.empty()) {
                    auto const [first, fresh] = first_line_of_txid.try_emplace(std::move(key), row.line);
                    if (!fresh) {
                        // Echoed only when it is text an answer can carry (else its first line is refused for it).
                        auto const& id = first->first;
                        bool const printable = id.size() <= k_max_txid_bytes && clicks::is_clean_text(id);
                        throw http::bad_field("txid", (printable ? "txid " + id : std::string("this txid")) +
                                                          " is already on line " + std::to_string(first->second) +
                                                          " of this file; one row per sale");
                    }
                }
            }
            if (auto const n = row.fields.find("#cells"); n != row.fields.end())
                throw http::bad_field("body", "the row has " + n->second + " cells; the header has a different number");
            if (auto const c = row.fields.find("#conflict"); c != row.fields.end())
                throw http::bad_field(c->second, "two columns give " + c->second + " different values");
            auto const s = sale_from_csv_row(row, *o, [&](std::string const& txid) { return booked_currency(tx, o->id, txid); });
            pqxx::subtransaction sub(tx, "csv_row");
            auto const outcome = record_sale(sub, *o, s, settings, sale_lock::held);
            sub.commit();
            result["result"] = outcome.result;
            result["conversion_id"] = outcome.id;
            result["txid"] = s.txid;
            boost::json::array said;
            for (auto const& warning : outcome.warnings) {
                // A file without the column is said once, above, not on each of its rows.
                if (warning.about == "commission_missing" && !csv.has_column("commission"))
                    continue;
                said.emplace_back(warning.text);
                ++rows_warned[warning.about];
            }
            if (!said.empty())
                result["warnings"] = std::move(said);
        } catch (http::http_error const& e) {
            result["result"] = "error";
            result["field"] = e.field;
            result["message"] = e.what();
        } catch (pqxx::data_exception const& e) {
            result["result"] = "error";
            result["field"] = "body";
            result["message"] = "a value PostgreSQL could not read";
        }
        ++totals[result["result"].as_string() == "error" ? "failed" : std::string(result["result"].as_string())];
        rows.push_back(std::move(result));
    }
    // Said once for the file, as the rows can be thousands: which rows, and the figures, are theirs.
    auto const on_rows = [&](std::string const& about) {
        auto const n = rows_warned[about];
        return "on " + std::to_string(n) + (n == 1 ? " row" : " rows");
    };
    if (rows_warned["network_commission"] > 0)
        warnings.emplace_back(on_rows("network_commission") +
                              " the network's commission differs from the one the offer's rule computes: those "
                              "rows' warnings give both figures; each sale counts ours and keeps the network's in "
                              "network_commission_minor");
    if (rows_warned["occurred_at"] > 0)
        warnings.emplace_back(on_rows("occurred_at") +
                              " the date differs from the one the sale was first given: each sale keeps its first "
                              "date; those rows' warnings give both");
    if (rows_warned["txid"] > 0)
        warnings.emplace_back(on_rows("txid") +
                              " the txid differs from a booked sale's only in case or leading zeros: each is booked "
                              "as a sale of its own; those rows' warnings name the other");
    if (rows_warned["commission"] > 0)
        warnings.emplace_back(on_rows("commission") +
                              " the amount changed and no commission came with it: each sale's commission was "
                              "carried in proportion to the new amount; those rows' warnings give the figures");
    if (rows_warned["commission_missing"] > 0)
        warnings.emplace_back(on_rows("commission_missing") +
                              " the commission cell is empty: each new sale is booked at commission 0.00 until the "
                              "network sends its figure");
    if (rows_warned["shop_refunds"] > 0)
        warnings.emplace_back(on_rows("shop_refunds") +
                              " the amount is more than the shop's figures leave of the order after the refunds the "
                              "shop recorded: each sale is booked at what they leave, or, where they leave nothing, "
                              "stays rejected whatever status the row gives; those rows' warnings give the figures");
    boost::json::object report{{"offer_id", offer_id},
                               {"unknown_columns", std::move(unknown)},
                               {"warnings", std::move(warnings)},
                               {"rows", std::move(rows)}};
    for (auto const& [name, n] : totals)
        report[name] = n;
    return report;
}

} // namespace linkledger::money
