// The one way a sale enters the books, whichever door it came through (postback, shop
// webhook, CSV, by hand): checked against one set of limits (sale_checks), idempotent on
// (offer, txid), attributed once, commission computed from the offer's rule when booked and
// from that same rule ever after (changing an offer's rate prices only the sales booked after
// it). A repeat with the same facts changes nothing; a new amount or a stated status updates
// the row (a rejected sale stops counting: reports sum every status but rejected). A repeat
// that states no status keeps the stored one, so a network's status-less retry never moves a
// paid sale back; a stated move backwards (paid -> approved or pending, approved -> pending,
// rejected -> anything) is made and written to the audit log in the same transaction. A shop's
// order update, which restates the order's state every time, never moves a paid sale back, nor a
// status the creator set by hand (PATCH, or a sale by hand stating one; migration 0036) other than
// to rejected (a cancellation, a refund in full); a status another sender changes is theirs again.
// A figure a postback or a report states for the commission is the commission of a reported
// offer; of any offer, it is kept as the network's (network_commission_minor, migrations/0024),
// replaced by the next stated one and never cleared by a message without one, so a statement that
// differs from what we compute shows beside it. A reported commission meets a new amount without
// a figure in proportion (offer.hpp, reported_commission_at), said in the warnings.
// A sale's time is the one its sender gives (a report's date, the API's occurred_at, a shop
// order's); a sale booked without one (a postback) takes the time it arrives, until a repeat gives
// one: that replaces it once (occurred_at_given, migrations/0026), and an unattributed sale is
// attributed again at it. A time once given stays: another one is said in the warnings (refused,
// 409, for a sale by hand), so a month already reconciled against a statement keeps its sales.
//
// A sale whose order a shop refunded in part is never booked by another door above what the
// shop's figures leave (the order's base less its refunds, shop_refund_totals.hpp): a network
// restating its first amount does not undo the shop's refunds, and refunds the shop delivered
// before any sale of their order apply when that sale is first booked, as do those delivered at
// the same moment (each door holds the sale's lock, order_lock.hpp). A reported commission
// takes the refunds' share of the figure as its sender stated it (with the amount it came with,
// migrations/0034), rounded once however many refunds follow.
//
// A sale whose click id is one of ours (a well-formed id of the offer's window) but not yet in
// PostgreSQL waits as attribution "pending": the trigger of migrations/0009 attributes it when
// the click is stored, and money/late_clicks gives up on it after the deadline.
#pragma once

#include "money/offer.hpp"

#include <boost/json/object.hpp>
#include <pqxx/transaction_base>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::money {

struct sale {
    std::string txid;
    std::int64_t amount_minor = 0;
    std::string currency; // empty: the offer's
    std::optional<std::string> status; // nothing: not stated (a new sale is pending)
    // The sender's commission figure: a reported offer's commission; by postback or CSV, the
    // network's figure kept beside ours whatever the rule.
    std::optional<std::int64_t> reported_commission_minor;
    std::string click_id; // either may be empty
    std::string code;
    // Every code a shop order names, in its order, `code` the first: the sale's code is the first
    // of them that is a code of the offer (stored as the sale's code; `code` when none is). Empty:
    // `code` alone.
    std::vector<std::string> codes;
    std::string occurred_at; // ISO 8601; empty: now (the time it arrived, replaced by the first one given)
    std::string via;         // postback, shopify, woocommerce, csv, manual
    // A time more than a day ahead is refused (sale_checks.hpp), 400 naming it, when the sender can
    // fix it (a postback, a report, the API). A shop's signed delivery is a real order dated by a
    // wrong clock, and the shop retries a refusal for 48 hours then may disable the webhook: its
    // sale is booked as if it gave no time (dated when it arrives, occurred_at_given false, still
    // replaced once by a time given later), and a warning "occurred_at_ahead" says so.
    bool arrival_when_ahead = false;
    // A network's status alone (a postback naming a status and no amount, nor a commission): the
    // booked sale's status moves as a stated one does (the same rules, lock, audit and events),
    // and its amount, commission and currency stay exactly as booked; amount_minor is not read.
    // Not the stored amount sent back as the sender's figure: that would run a figure the shop's
    // refunds already lowered, and its commission, through the refunds and the rule once more.
    // A txid not booked is a 400: nothing to book (naming `amount`), or for a rejection nothing
    // to reverse (naming `txid`).
    bool keeps_booked_amount = false;
};

// Something the sender should know about what was booked, and what it is about, so an answer for
// many sales (the import's) can count each kind.
struct sale_warning {
    // network_commission: the network's commission figure (a postback's or a report's) is not the
    //   one the sale counts, its offer computing its own (percent or fixed);
    // occurred_at: the message gives the sale another time than the one first given, which stays;
    // commission: a reported commission was carried to a new amount that came without a figure;
    // commission_missing: a new sale of a reported offer came without any figure (booked at 0);
    // txid: a new sale's txid differs from a booked one's only in case or leading zeros;
    // shop_refunds: the amount given is more than the shop's figures leave of the order after its
    //   refunds, and the sale is booked at what they leave (sale_recorder.cpp, keep_shop_refunds);
    // status: a shop's order update would move a paid sale back (to approved or pending): the
    //   shop knows the customer's payment, not the creator's payout; or it would change a status
    //   the creator set by hand otherwise than by rejecting the sale (migration 0036);
    // occurred_at_ahead: a shop order's time is more than a day ahead of now, or before 2000, and
    //   is not taken (sale::arrival_when_ahead).
    std::string about;
    std::string text;
};

struct sale_outcome {
    std::int64_t id = 0;
    std::string result; // created, updated, unchanged
    boost::json::object conversion;
    std::vector<sale_warning> warnings; // empty: nothing to say
};

struct attribution_settings {
    int model_hours = 72;              // LINKLEDGER_ATTRIBUTION_HOURS
    int pending_seconds = 24 * 3600;   // LINKLEDGER_LATE_CLICK_SECONDS: how long a sale waits for its click
    std::string time_zone = "UTC";     // LINKLEDGER_TIMEZONE: the wall clock of a sale time without an offset
};

// The txid a sale is booked under: without the spaces, tabs and line breaks around it
// (" ORD-9" is the sale "ORD-9" at every door).
std::string canonical_txid(std::string_view txid);

// The currency a sale of the offer is booked in, by its txid; nothing when it is not booked.
// A message that names no currency is in that one: a sale booked in JPY on a EUR offer is
// updated, refunded or reversed in JPY (a network's status update, a `txid,amount,status` file).
std::optional<std::string> booked_currency(pqxx::transaction_base& tx, std::int64_t offer_id, std::string_view txid);

// The commission base ("subtotal" or "total") a sale of the offer was booked on, by its txid
// (migration 0038); nothing when it is not booked, or an older node booked it without one. A shop
// order's later deliveries price the sale on it, not on the offer's base of the moment.
std::optional<std::string> booked_base(pqxx::transaction_base& tx, std::int64_t offer_id, std::string_view txid);

// The same asked by a door's parser, which reads no database (postback_params, sales_csv): the
// door passes booked_currency over its transaction; a parser without one (a fuzzer) reads the
// offer's currency.
using booked_currency_lookup = std::function<std::optional<std::string>(std::string const& txid)>;

// The currency of a message that names none: the booked sale's, else the offer's. Inline: the
// parsers' fuzz targets link them without this file's database code (tests/fuzz/CMakeLists.txt).
inline std::string unnamed_currency(offer const& o, std::string_view txid, booked_currency_lookup const& booked)
{
    if (booked)
        if (auto currency = booked(std::string(txid)))
            return *currency;
    return o.currency;
}

// Whether record_sale takes the sale's lock (order_lock.hpp) or the caller holds it already
// (lock_import_sales: an import, booking many sales in one transaction).
enum class sale_lock { take, held };

// Throws http_error 400 naming the field for a sale that cannot be booked as given.
sale_outcome record_sale(pqxx::transaction_base& tx, offer const& o, sale const& s,
                         attribution_settings const& settings, sale_lock lock = sale_lock::take);

// A status change on an existing conversion (refund, approval); nothing when there is none.
std::optional<sale_outcome> change_status(pqxx::transaction_base& tx, std::int64_t conversion_id,
                                          std::string const& status);

// Sales waiting for their click (attribution "pending") past their deadline that name a code:
// attributed by the code, as a sale sent without its click is (a sale naming both waits for its
// click, which came first). Run before the late-click sweep gives the rest up; returns how many
// the code attributed.
int attribute_given_up_by_code(pqxx::transaction_base& tx);

// The conversion as the API shows it.
boost::json::object load_conversion(pqxx::transaction_base& tx, std::int64_t id);

// SELECT list of a conversion, shared by the list endpoint.
extern char const* const k_conversion_columns;

} // namespace linkledger::money
