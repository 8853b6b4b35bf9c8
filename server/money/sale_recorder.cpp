#include "money/sale_recorder.hpp"

#include "clicks/click_id.hpp"
#include "clicks/text_sanitizer.hpp"
#include "db/json_rows.hpp"
#include "db/pg_array.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "money/amount.hpp"
#include "money/order_lock.hpp"
#include "money/sale_checks.hpp"
#include "money/shop_refund_totals.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace linkledger::money {

char const* const k_conversion_columns = R"sql(
    c.id, c.offer_id, c.txid, c.status, c.amount_minor, c.commission_minor, c.network_commission_minor, c.currency,
    c.click_id, c.link_id, c.video_id, c.code, c.source, c.attribution, c.via,
    to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at, c.occurred_at_given,
    to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
    to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at,
    linkledger_sale_adjustments(c.id) AS adjustments, linkledger_sale_adjusted(c) AS adjusted)sql";

namespace {

struct attribution {
    std::string method = "none";
    std::string source = "unattributed";
    std::optional<std::int64_t> link_id, video_id, promo_code_id;
    std::string code;
};

// A click counts when it came before the sale and within the offer's window; its video is the
// one its link pointed at when it was clicked (a bio link moves on to each new video). Bots and link
// previewers never buy, so their "clicks" do not attribute. The click is read whether it counts
// or not: a stored click that does not count is final, a missing one may still be on its way.
constexpr char const* k_find_click = R"sql(
SELECT c.link_id, c.source, linkledger_link_video_at(c.link_id, c.at),
       to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       (NOT c.bot AND c.at <= $4::timestamptz + interval '5 minutes'
        AND c.at >= $2::timestamptz - make_interval(days => $3)) AS counts
FROM clicks c
WHERE c.click_id = $1
ORDER BY c.at LIMIT 1
)sql";

// A code given with a link and no video of its own is the video's the link pointed at then. The
// code's link and own video are the ones it had at the sale's time (migrations 0029, 0041): read
// now, a code moved since gave the sales made before the move, reported after it, to its new link
// and video. A day given alone ($3 its first instant, $4 the next day's) finds a code valid at any
// time of that day, as it lets any click of the day count: checked at the day's first instant, a
// code valid from noon lost its sales (and their video) to "none" while the code's row counted
// them.
// A code counts when it was on at the sale's time (migrations/0037), not when the sale is
// reported: one turned off since lost the sales made while followers could use it.
// $1 holds every code the sale names (a shop order's several discount codes): the first of them,
// in their order, that is a code of the offer at the sale's time is the sale's.
constexpr char const* k_find_code = R"sql(
SELECT p.id, p.code, h.link_id,
       COALESCE(linkledger_code_video_at(p.id, h.at), linkledger_link_video_at(h.link_id, h.at))
FROM unnest($1::text[]) WITH ORDINALITY AS given(code, n)
JOIN promo_codes p ON lower(p.code) = lower(given.code) AND p.offer_id = $2
CROSS JOIN LATERAL (SELECT linkledger_code_link_at(p.id, t.at) AS link_id, t.at
                    FROM (SELECT greatest($3::timestamptz, p.valid_from) AS at) t) h
WHERE EXISTS (SELECT 1 FROM code_activity_spans s
              WHERE s.code_id = p.id AND s.active
                AND (s.since <= $3::timestamptz OR s.since < $4::timestamptz) AND s.until > $3::timestamptz)
  AND (p.valid_from IS NULL OR p.valid_from <= $3::timestamptz OR p.valid_from < $4::timestamptz)
  AND (p.valid_until IS NULL OR p.valid_until > $3::timestamptz)
ORDER BY given.n LIMIT 1
)sql";

// The codes to look up for a sale, in its order. A shop's own code that is no text a code of ours
// could be (too long, control characters) is passed over: it was never refused with the order,
// and could not match.
std::vector<std::string> codes_to_look_up(sale const& s)
{
    if (s.codes.empty())
        return {s.code};
    std::vector<std::string> out;
    for (auto const& code : s.codes)
        if (code.size() <= k_max_code_bytes && clicks::is_clean_text(code))
            out.push_back(code);
    return out;
}

// The code a sale naming several is kept under, whatever attributes it: the first that is a code
// of the offer, valid at the sale's time or not, as a merchant's coupon report counts it (kept
// under the shop's FREESHIP, a sale a click attributed left the creator's code row); else the
// first named.
std::string code_kept(pqxx::transaction_base& tx, std::int64_t offer_id, sale const& s)
{
    if (s.codes.size() < 2)
        return s.code;
    auto const rows = tx.exec_params("SELECT p.code FROM unnest($1::text[]) WITH ORDINALITY AS given(code, n) "
                                     "JOIN promo_codes p ON lower(p.code) = lower(given.code) AND p.offer_id = $2 "
                                     "ORDER BY given.n LIMIT 1",
                                     db::to_pg_array(codes_to_look_up(s)), offer_id);
    return rows.empty() ? s.code : rows[0][0].as<std::string>();
}

// The documented model: the latest video posted before the moment, within the model window.
// A day given alone is any moment of it: a video posted before its end ($3, the next day's first
// instant, which a video posted then, a posting date typed alone, is not before) and within the
// window before its start ($1).
constexpr char const* k_model_video = R"sql(
SELECT id FROM videos
WHERE (posted_at < $3::timestamptz OR (posted_at = $3::timestamptz AND $3::timestamptz = $1::timestamptz))
  AND posted_at > $1::timestamptz - make_interval(hours => $2)
ORDER BY posted_at DESC, id DESC LIMIT 1
)sql";

std::optional<std::int64_t> modelled_video(pqxx::transaction_base& tx, std::string const& at, int hours,
                                           std::optional<std::string> const& day_end = std::nullopt)
{
    auto const rows = tx.exec_params(k_model_video, at, hours, day_end.value_or(at));
    if (rows.empty())
        return std::nullopt;
    return rows[0][0].as<std::int64_t>();
}

std::optional<std::int64_t> optional_id(pqxx::field const& f)
{
    if (f.is_null())
        return std::nullopt;
    return f.as<std::int64_t>();
}

// A click id we may have minted but not stored yet: well formed, and carrying a time inside the
// window the sale could have come from (the clock of the instance that minted it may run a
// little ahead, as the click lookup allows).
bool may_be_a_late_click(pqxx::transaction_base& tx, std::string const& click_id, std::string const& occurred_at,
                         std::string const& latest_click, int window_days)
{
    if (!clicks::is_valid_click_id(click_id))
        return false;
    auto const millis = static_cast<long long>(clicks::click_id_millis(click_id));
    return tx.exec_params1("SELECT to_timestamp($1::bigint / 1000.0) BETWEEN $2::timestamptz - make_interval(days => $3) "
                           "AND $4::timestamptz + interval '5 minutes'",
                           millis, occurred_at, window_days, latest_click)[0]
        .as<bool>();
}

// The latest moment a click may have been made and still count for the sale. A report that
// gives only the sale's day ("2026-12-05", stored as that day's first instant) says nothing of
// its hour: any click of that day may have led to it. Read as midnight, every click later that
// day came "after the sale" and the sale was left unattributed for good.
std::string latest_click_for(pqxx::transaction_base& tx, sale const& s, std::string const& occurred_at,
                             std::string const& zone)
{
    if (!http::is_bare_date(s.occurred_at))
        return occurred_at;
    return tx.exec_params1("SELECT to_char((($1::date + 1)::timestamp AT TIME ZONE $2) AT TIME ZONE 'UTC', "
                           "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                           s.occurred_at, zone)[0]
        .as<std::string>();
}

attribution attribute(pqxx::transaction_base& tx, offer const& o, sale const& s, std::string const& occurred_at,
                      std::string const& latest_click, attribution_settings const& settings)
{
    attribution a;
    bool click_stored = false;
    if (!s.click_id.empty()) {
        auto const rows =
            tx.exec_params(k_find_click, s.click_id, occurred_at, o.attribution_window_days, latest_click);
        click_stored = !rows.empty();
        if (click_stored && rows[0][4].as<bool>()) {
            a.method = "click";
            a.link_id = rows[0][0].as<std::int64_t>();
            a.source = rows[0][1].as<std::string>();
            a.video_id = optional_id(rows[0][2]);
            if (!a.video_id) {
                a.video_id = modelled_video(tx, rows[0][3].as<std::string>(), settings.model_hours);
                if (a.video_id)
                    a.method = "model";
            }
            return a;
        }
    }
    // A click of ours not stored yet came before the sale, and before the code typed at checkout:
    // the sale waits for it (the code attributes it if the click never comes). Taken by the code
    // at once, every sale naming both that beat its click went to the code's video (5 of 5 right
    // after their taps, all of a PostgreSQL outage's backlog).
    if (!s.click_id.empty() && !click_stored &&
        may_be_a_late_click(tx, s.click_id, occurred_at, latest_click, o.attribution_window_days)) {
        a.method = "pending";
        a.source = "pending";
        return a;
    }
    if (!s.code.empty()) {
        auto const rows =
            tx.exec_params(k_find_code, db::to_pg_array(codes_to_look_up(s)), o.id, occurred_at, latest_click);
        if (!rows.empty()) {
            a.method = "code";
            a.source = "promo_code";
            a.promo_code_id = rows[0][0].as<std::int64_t>();
            a.code = rows[0][1].as<std::string>();
            a.link_id = optional_id(rows[0][2]);
            a.video_id = optional_id(rows[0][3]);
            if (!a.video_id) {
                // A day given alone stands for any time of it, as for its clicks: modelled at its
                // first instant, a video posted that day never got the day's code sales.
                a.video_id = modelled_video(tx, occurred_at, settings.model_hours, latest_click);
                if (a.video_id)
                    a.method = "model";
            }
            return a;
        }
    }
    return a;
}

constexpr char const* k_insert = R"sql(
INSERT INTO conversions (offer_id, txid, status, amount_minor, commission_minor, currency,
                         click_id, link_id, video_id, promo_code_id, code, source, attribution, via,
                         occurred_at, attribution_deadline, model_hours,
                         commission_type, commission_rate_bps, commission_fixed_minor, network_commission_minor,
                         occurred_at_given, click_until, stated_commission_minor, stated_amount_minor,
                         status_set_by_hand, commission_base, shop_stated_status)
VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8, $9, $10, NULLIF($11, ''), $12, $13, $14,
        $15::timestamptz,
        CASE WHEN $13 = 'pending' THEN now() + make_interval(secs => $16) END,
        CASE WHEN $13 = 'pending' THEN $17::integer END,
        $18, $19, $20, $21, $22, NULLIF($23::timestamptz, $15::timestamptz), $24, $25, $26, $27, $28)
ON CONFLICT (offer_id, txid) DO NOTHING
RETURNING id
)sql";

constexpr char const* k_existing = R"sql(
SELECT id, status, amount_minor, commission_minor, currency,
       commission_type, commission_rate_bps, commission_fixed_minor, attribution,
       to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), network_commission_minor,
       occurred_at_given, coalesce(click_id, ''), coalesce(code, ''),
       to_char(click_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       stated_commission_minor, stated_amount_minor, status_set_by_hand, commission_base, shop_stated_status,
       source
FROM conversions
WHERE offer_id = $1 AND txid = $2 FOR UPDATE
)sql";

// A sale an older node booked without its rule or its base (a rolling upgrade) takes the ones it
// is priced by now ($5 to $7, $24; NULL for a status alone, which prices nothing), and keeps them
// from then on. The network's figure is
// replaced by a new one, never cleared by a message without one (a status update). $9, when there is one, is the time a
// message gives a sale booked at its arrival time: it replaces that one, and stays, with $10, the
// latest click that counts for it (migration 0025).
// A sale booked without attribution learns it from a repeat that names its click or code: when
// $11 is true, $12 to $20 are what was found. One statement for both, so a repeat that attributes
// the sale and changes its status or money is one sale.updated event carrying both changes (two
// statements sent two, the first with the status unchanged). $21 and $22, when $21 is given, are
// a reported commission as stated and its amount (migration 0034). $23: the creator states the
// status by hand; a status another sender changes is that sender's again (migration 0036). $25:
// the status a shop's delivery stated, kept whether or not it was carried out (migration 0036).
constexpr char const* k_update = R"sql(
UPDATE conversions SET status = $2, amount_minor = $3, commission_minor = $4, updated_at = now(),
       network_commission_minor = COALESCE($8, network_commission_minor),
       occurred_at = COALESCE($9::timestamptz, occurred_at),
       occurred_at_given = occurred_at_given OR $9::timestamptz IS NOT NULL,
       click_until = CASE WHEN $9::timestamptz IS NULL THEN click_until
                          ELSE NULLIF($10::timestamptz, $9::timestamptz) END,
       commission_type = COALESCE(commission_type, $5),
       commission_rate_bps = CASE WHEN commission_type IS NULL THEN $6 ELSE commission_rate_bps END,
       commission_fixed_minor = CASE WHEN commission_type IS NULL THEN $7 ELSE commission_fixed_minor END,
       click_id = CASE WHEN $11 THEN NULLIF($12, '') ELSE click_id END,
       link_id = CASE WHEN $11 THEN $13::bigint ELSE link_id END,
       video_id = CASE WHEN $11 THEN $14::bigint ELSE video_id END,
       promo_code_id = CASE WHEN $11 THEN $15::bigint ELSE promo_code_id END,
       code = CASE WHEN $11 THEN NULLIF($16, '') ELSE code END,
       source = CASE WHEN $11 THEN $17 ELSE source END,
       attribution = CASE WHEN $11 THEN $18 ELSE attribution END,
       attribution_deadline = CASE WHEN NOT $11 THEN attribution_deadline
                                   WHEN $18 = 'pending' THEN now() + make_interval(secs => $19) END,
       model_hours = CASE WHEN NOT $11 THEN model_hours WHEN $18 = 'pending' THEN $20::integer END,
       stated_commission_minor = COALESCE($21::bigint, stated_commission_minor),
       stated_amount_minor = CASE WHEN $21::bigint IS NULL THEN stated_amount_minor ELSE $22::bigint END,
       status_set_by_hand = $23 OR (status_set_by_hand AND status = $2),
       commission_base = COALESCE(commission_base, $24),
       shop_stated_status = COALESCE($25, shop_stated_status)
WHERE id = $1
)sql";

// pending < approved < paid; leaving rejected is a revival. Any of these, stated by whoever
// sent the sale, is carried out but leaves a trace.
bool is_move_backwards(std::string const& from, std::string const& to)
{
    auto const rank = [](std::string const& status) {
        return status == "pending" ? 0 : status == "approved" ? 1 : status == "paid" ? 2 : 3;
    };
    return from != to && (from == "rejected" || (to != "rejected" && rank(to) < rank(from)));
}

// A shop's own delivery (an order webhook), which states the shop's figures and status but
// never a commission.
bool from_a_shop(std::string const& via)
{
    return via == "shopify" || via == "woocommerce";
}

std::string audit_actor(std::string const& via)
{
    if (via == "postback")
        return "postback";
    if (from_a_shop(via))
        return "webhook";
    return "system";
}

constexpr char const* k_audit_move_backwards = R"sql(
INSERT INTO audit_log (actor_kind, actor_name, action, target_id, summary)
VALUES ($1, $2, 'conversion.status_back', $3, $4)
)sql";

// A time written without an offset (a report's "2026-11-30 23:30:00", or a bare date) is a
// wall-clock time of the instance's zone, as the reports' from and to are: read as UTC, a Paris
// sale at 23:30 on the last of the month fell into the next month.
// As stored, before the check that it is not ahead (sale_time).
std::string utc_sale_time(pqxx::transaction_base& tx, sale const& s, std::string const& zone)
{
    if (s.occurred_at.empty())
        return tx.exec1("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")[0]
            .as<std::string>();
    // Validated by PostgreSQL itself; a time it cannot read is the client's mistake.
    tx.exec0("SAVEPOINT sale_time");
    try {
        auto const at = tx.exec_params1("SELECT to_char(CASE WHEN $3 THEN $1::timestamptz "
                                        "ELSE $1::timestamp AT TIME ZONE $2 END AT TIME ZONE 'UTC', "
                                        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                                        s.occurred_at, zone, http::has_utc_offset(s.occurred_at))[0]
                            .as<std::string>();
        tx.exec0("RELEASE SAVEPOINT sale_time");
        return at;
    } catch (pqxx::data_exception const&) {
        tx.exec0("ROLLBACK TO SAVEPOINT sale_time");
        // Named as the door names it: a CSV's column, the API's field.
        throw http::bad_field(s.via == "manual" ? "occurred_at" : "date", "'" + s.occurred_at + "' is not a date or time");
    }
}

std::string sale_time(pqxx::transaction_base& tx, sale const& s, std::string const& zone)
{
    auto at = utc_sale_time(tx, s, zone);
    if (!s.occurred_at.empty())
        check_sale_time(at, s.occurred_at, s.via == "manual" ? "occurred_at" : "date", std::chrono::system_clock::now());
    return at;
}

// A shop order dated more than a day ahead, or before 2000 (sale::arrival_when_ahead): its time is dropped from
// `s`, which is then booked as a sale that gave none, and the warning says what became of it.
// Nothing for a time that is not ahead, whose reading (`read`) is kept for the booking.
std::optional<sale_warning> drop_time_ahead(pqxx::transaction_base& tx, sale& s, std::string const& zone,
                                            std::optional<std::string>& read)
{
    if (!s.arrival_when_ahead || s.occurred_at.empty())
        return std::nullopt;
    auto at = utc_sale_time(tx, s, zone);
    bool const ahead = is_sale_time_ahead(at, std::chrono::system_clock::now());
    if (!ahead && !is_sale_time_too_old(at)) {
        read = std::move(at);
        return std::nullopt;
    }
    auto const given = clicks::storable_text(s.occurred_at, 40);
    s.occurred_at.clear();
    return sale_warning{"occurred_at_ahead",
                        "the order's time " + given +
                            (ahead ? std::string(" is more than a day ahead of now") : " is before " + std::to_string(k_first_sale_year)) +
                            " (the shop's clock is wrong): it is not taken; a new sale is dated when the delivery arrived "
                            "(occurred_at_given false), and a delivery giving a sound time dates it"};
}

} // namespace

boost::json::object load_conversion(pqxx::transaction_base& tx, std::int64_t id)
{
    return db::row_to_json(
        tx.exec_params1(std::string("SELECT ") + k_conversion_columns + " FROM conversions c WHERE c.id = $1", id));
}

namespace {

// One spelling per sale, code and click, whichever door they came through: " ORD-9" and
// "ORD-9 " are the sale "ORD-9" (the CSV import trimmed them, postbacks did not, and each
// spelling became a sale of its own), and a click id in lower case is the id we minted.
sale canonical(sale s)
{
    s.txid = canonical_txid(s.txid);
    s.code = std::string(clicks::trim_spaces(s.code));
    for (auto& code : s.codes)
        code = std::string(clicks::trim_spaces(code));
    s.click_id = clicks::canonical_click_id(clicks::trim_spaces(s.click_id));
    return s;
}

// The network's own commission figure (migrations/0024): what a postback or a report states,
// whatever the offer's rule. A figure typed by hand is the creator's, not the network's.
std::optional<std::int64_t> network_figure(sale const& s)
{
    if (s.via == "postback" || s.via == "csv")
        return s.reported_commission_minor;
    return std::nullopt;
}

std::string rule_text(commission_rule const& rule, std::string const& currency)
{
    if (rule.type == "percent") {
        auto const bps = rule.rate_bps.value_or(0);
        auto text = std::to_string(bps / 100);
        if (auto const hundredths = bps % 100; hundredths != 0) {
            text += "." + std::to_string(100 + hundredths).substr(1); // 1005 bps: "10.05"
            if (text.back() == '0')
                text.pop_back(); // 1250 bps: "12.5"
        }
        return text + "% of the amount";
    }
    if (rule.type == "fixed")
        return "a fixed " + money_text(rule.amount_minor.value_or(0), currency);
    return rule.type;
}

// Ids that differ only in case or leading zeros ("ord-77" and "ORD-77", "000123" and the "123" a
// spreadsheet makes of it) may be two orders, so both are booked; but the creator is told, since
// they are more often one sale spelt by two senders (migrations/0027).
std::optional<std::string> txid_twin(pqxx::transaction_base& tx, std::int64_t offer_id, std::string const& txid)
{
    auto const twin = tx.exec_params("SELECT txid FROM conversions WHERE offer_id = $1 AND "
                                     "lower(ltrim(txid, '0')) = lower(ltrim($2, '0')) AND txid <> $2 ORDER BY id LIMIT 1",
                                     offer_id, txid);
    if (twin.empty())
        return std::nullopt;
    return twin[0][0].as<std::string>();
}

std::optional<sale_warning> txid_twin_warning(pqxx::transaction_base& tx, std::int64_t offer_id, std::string const& txid)
{
    auto const twin = txid_twin(tx, offer_id, txid);
    if (!twin)
        return std::nullopt;
    return sale_warning{"txid", "txid " + txid + " differs from the booked sale " + *twin +
                                    " only in case or leading zeros: it is booked as another sale; if the two are "
                                    "one sale, reject one of them (PATCH its status)"};
}

// Said to the network's door (the postback's answer, the import's row) when its figure is not the
// one the sale counts: an offer that computes its own commission keeps ours and shows both.
std::vector<sale_warning> commission_warnings(std::optional<std::int64_t> network, std::int64_t booked,
                                              commission_rule const& rule, std::string const& currency)
{
    if (!network || *network == booked)
        return {};
    return {{"network_commission",
             "the network's commission is " + money_text(*network, currency) + "; this offer's rule (" +
                 rule_text(rule, currency) + ") gives " + money_text(booked, currency) +
                 ", which the sale counts; the network's figure is kept in network_commission_minor"}};
}

// A time as the answers show it (k_conversion_columns): to the second, in UTC.
std::string shown_time(std::string const& at)
{
    return at.size() > 20 && at.back() == 'Z' ? at.substr(0, 19) + "Z" : at;
}

// A reported commission as its sender stated it, with the amount it came with (migration 0034):
// what any later amount takes its share of, rounded once. Scaled step by step from the figure
// already rounded at the step before, three shop refunds of 10.00 took 7.03 on 100.00 to 4.93
// where the network's statement says 4.92.
struct stated_commission {
    std::int64_t commission_minor = 0;
    std::int64_t amount_minor = 0;
};

constexpr char const* k_order_bases_of_sale = R"sql(
SELECT order_subtotal_minor, order_total_minor, order_bases_from_shop FROM conversions WHERE id = $1
)sql";

constexpr char const* k_copy_order_base = R"sql(
UPDATE conversions SET order_subtotal_minor = $2, order_total_minor = $2 WHERE id = $1
)sql";

// The order bases kept with a booked sale; nothing while no shop delivery or refund reached it.
struct booked_order_bases {
    order_bases bases;
    bool from_shop = false; // given by the shop's order delivery, not copied from the sale's amount
};

std::optional<booked_order_bases> order_bases_of_sale(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const kept = tx.exec_params1(k_order_bases_of_sale, id);
    if (kept[0].is_null() || kept[1].is_null())
        return std::nullopt;
    return booked_order_bases{{kept[0].as<std::int64_t>(), kept[1].as<std::int64_t>()}, kept[2].as<bool>()};
}

// An order's base as the offer counts it (subtotal or total), the shop's refunds kept for it, and
// what they leave of it (never below nothing).
struct order_left {
    std::int64_t base = 0;
    std::int64_t refunded = 0;
    std::int64_t left = 0;
};

std::int64_t counted_base(offer const& o, order_bases const& bases)
{
    return o.commission_base == "total" ? bases.total_minor : bases.subtotal_minor;
}

order_left left_of_order(pqxx::transaction_base& tx, offer const& o, std::string const& txid,
                         std::string const& currency, order_bases const& bases)
{
    order_left out;
    out.base = counted_base(o, bases);
    out.refunded = refunded_of_order(tx, o, txid, currency, bases);
    out.left = std::max<std::int64_t>(0, out.base - std::min(out.base, out.refunded));
    return out;
}

// The shop refunded the order in full; `kept` says what the sale is then ("is booked rejected at
// 0.00"), `stated` the status the sender gave, which the sale does not take.
sale_warning refunded_in_full(order_left const& order, std::string const& currency, std::string const& kept,
                              std::string const& stated)
{
    return {"shop_refunds", "the shop refunded the order in full: " + money_text(order.base, currency) + " less " +
                                money_text(order.refunded, currency) + " refunded; the sale " + kept + ", not " +
                                stated + " (refunds recorded from the shop keep applying)"};
}

// What keep_shop_refunds did to a sale another door books.
struct shop_refunds_kept {
    std::optional<sale_warning> said;
    // A new sale whose order the shop refunded before any sale of it was booked: the amount
    // given is its order's base (a copy, as for a sale booked before its first refund), to be
    // kept on the row once it is inserted.
    std::optional<std::int64_t> copied_base;
};

// A sale whose order the shop refunded in part is booked by another door (a network's postback or
// report, a sale typed by hand) at no more than the shop's figures leave: the order's base less
// the refunds kept for it. A network restating the amount it first gave (100.00 of an order the
// shop refunded 40.00 of) re-booked 100.00 and the refund counted again only at the shop's next
// delivery; the merchant's statement says 60.00, order less refunds, and so does the sale now. A
// lower figure is the network's own (a net amount, a return it knows of) and is taken. The
// sale's figure is lowered in `s`, a reported commission that came with it in proportion, and
// nothing left is a rejected sale, as a shop's own delivery books it. `id` is the booked sale's;
// nothing for a new one, whose refunds (a refund delivered before the network's postback) apply
// to the amount it is given, as they would had they come after it. `o`'s base is the sale's own
// (the offer's for a new sale).
shop_refunds_kept keep_shop_refunds(pqxx::transaction_base& tx, offer const& o, std::optional<std::int64_t> id,
                                    sale& s, std::string const& currency)
{
    if (from_a_shop(s.via))
        return {}; // a shop's delivery books the shop's figures already
    order_bases bases{s.amount_minor, s.amount_minor};
    bool copy = true;
    if (id) {
        // Bases unknown: no shop delivery or refund reached the sale.
        auto const kept = order_bases_of_sale(tx, *id);
        if (!kept)
            return {};
        // Bases no order delivery gave are what the sale was booked at when a refund came first. A
        // larger figure is the network's correction of the order, not a restatement: it becomes
        // the base, and the refunds are taken off it (50.00, 10.00 refunded, then approved at
        // 100.00: 90.00, not held at 40.00).
        copy = !kept->from_shop && s.amount_minor > counted_base(o, kept->bases);
        if (!copy)
            bases = kept->bases;
    }
    auto const order = left_of_order(tx, o, s.txid, currency, bases);
    if (order.refunded <= 0)
        return {};
    shop_refunds_kept out;
    if (copy && id)
        tx.exec_params0(k_copy_order_base, *id, s.amount_minor);
    else if (copy)
        out.copied_base = s.amount_minor;
    // Nothing left, and the network states 0.00 with a status other than rejected: that is no sale
    // either (a 0.00 approved sale counted as a conversion again, a fixed commission with it).
    if (order.left == 0 && s.amount_minor == 0 && s.status && *s.status != "rejected") {
        out.said = refunded_in_full(order, currency, "is booked rejected at " + money_text(0, currency), *s.status);
        s.status = "rejected";
        return out;
    }
    if (s.amount_minor <= order.left)
        return out;
    auto const given = s.amount_minor;
    s.amount_minor = order.left;
    std::string text = "the amount " + money_text(given, currency) + " is more than the shop's figures leave of " +
                       "the order: " + money_text(order.base, currency) + " less " +
                       money_text(order.refunded, currency) + " refunded by the shop; the sale is booked at " +
                       money_text(s.amount_minor, currency);
    if (s.reported_commission_minor) {
        auto const stated = *s.reported_commission_minor;
        s.reported_commission_minor =
            reported_commission_at(stated, given, s.amount_minor, o.allow_commission_above_amount);
        text += ", and the commission " + money_text(stated, currency) + " given with it at " +
                money_text(*s.reported_commission_minor, currency) + ", in proportion";
    }
    if (s.amount_minor == 0)
        s.status = "rejected";
    out.said = sale_warning{"shop_refunds", text + " (refunds recorded from the shop keep applying)"};
    return out;
}

// A status alone (sale::keeps_booked_amount) for a sale whose order the shop refunded in full: the
// network's status does not revive it. With an amount, keep_shop_refunds books such a sale
// rejected; a status alone went past it and approved the 0.00 sale, counted as a conversion again
// (and a fixed commission with it: 5.00 on 0.00). The booked figure took the refunds already and
// is not lowered again (60.00 left of 100.00 stays 60.00): only the status is held, the sale's own
// (rejected, or one the creator set by hand since), unless the network states a rejection.
std::optional<sale_warning> keep_refund_in_full(pqxx::transaction_base& tx, offer const& o, pqxx::row const& booked,
                                                sale& s, std::string const& currency)
{
    auto const stored_status = booked[1].as<std::string>();
    if (!s.status || *s.status == "rejected" || *s.status == stored_status)
        return std::nullopt;
    auto const kept = order_bases_of_sale(tx, booked[0].as<std::int64_t>());
    if (!kept)
        return std::nullopt;
    auto const order = left_of_order(tx, o, s.txid, currency, kept->bases);
    if (order.refunded <= 0 || order.refunded < order.base)
        return std::nullopt;
    auto const stated = *s.status;
    s.status = stored_status;
    return refunded_in_full(order, currency,
                            "stays " + stored_status + " at " + money_text(booked[2].as<std::int64_t>(), currency),
                            stated);
}

} // namespace

std::string canonical_txid(std::string_view txid)
{
    return std::string(clicks::trim_spaces(txid));
}

namespace {

// Text no sale can be booked under is refused later, naming its field (check_sale); sent to
// PostgreSQL before that, invalid UTF-8 would abort the transaction, an import's good rows with it.
std::optional<std::string> bookable_txid(std::string_view txid)
{
    auto key = canonical_txid(txid);
    if (key.empty() || key.size() > k_max_txid_bytes || !clicks::is_clean_text(key))
        return std::nullopt;
    return key;
}

// A status alone (sale::keeps_booked_amount) for a txid the offer has no sale of. A booked sale
// whose txid differs only in case or leading zeros ("00123" for the "123" a spreadsheet made of
// it) is most likely the one meant: named, as a new sale's answer names it (txid_twin_warning), so
// the sender can resend the txid as booked; nothing is booked or changed.
http::http_error no_sale_to_update(pqxx::transaction_base& tx, std::int64_t offer_id, sale const& s)
{
    auto const twin = txid_twin(tx, offer_id, s.txid);
    auto const named = twin ? " (the booked sale " + *twin +
                                  " differs from it only in case or leading zeros: if it is that sale, send its txid "
                                  "as booked)"
                            : std::string();
    if (s.status == "rejected")
        return http::bad_field("txid",
                               "txid " + s.txid + " is not known for this offer: a rejection without an amount has "
                                                  "nothing to reverse" + named,
                               "unknown_txid");
    return http::bad_field("amount",
                           "amount is required (in major units, e.g. 19.99): txid " + s.txid +
                               " is not booked yet, and a status alone only updates a booked sale" + named,
                           "required");
}

} // namespace

std::optional<std::string> booked_currency(pqxx::transaction_base& tx, std::int64_t offer_id, std::string_view txid)
{
    auto const key = bookable_txid(txid);
    if (!key)
        return std::nullopt;
    auto const rows = tx.exec_params("SELECT currency FROM conversions WHERE offer_id = $1 AND txid = $2", offer_id, *key);
    if (rows.empty())
        return std::nullopt;
    return rows[0][0].as<std::string>();
}

std::optional<std::string> booked_base(pqxx::transaction_base& tx, std::int64_t offer_id, std::string_view txid)
{
    auto const key = bookable_txid(txid);
    if (!key)
        return std::nullopt;
    auto const rows =
        tx.exec_params("SELECT commission_base FROM conversions WHERE offer_id = $1 AND txid = $2", offer_id, *key);
    if (rows.empty() || rows[0][0].is_null())
        return std::nullopt;
    return rows[0][0].as<std::string>();
}


sale_outcome record_sale(pqxx::transaction_base& tx, offer const& o, sale const& given,
                         attribution_settings const& settings, sale_lock lock)
{
    auto s = canonical(given);
    // Every limit but the one that depends on the rule a sale is priced by, which is known once
    // the sale is found (a booked sale keeps its own): checked below.
    check_sale_but_commission_rule(s);
    s.code = code_kept(tx, o.id, s);
    // Before the sale and its shop refunds are read: a refund recorded at this moment is then
    // either committed and read here, or waits and finds this sale (order_lock.hpp).
    if (lock == sale_lock::take)
        lock_sale(tx, o.id, s.txid);
    std::optional<std::string> read_at;
    auto const time_dropped = drop_time_ahead(tx, s, settings.time_zone, read_at);
    // The time given, as stored: read once (a shop's was read above).
    auto const given_time = [&] { return read_at ? *read_at : sale_time(tx, s, settings.time_zone); };
    auto const existing = tx.exec_params(k_existing, o.id, s.txid);
    if (s.keeps_booked_amount) {
        if (existing.empty())
            throw no_sale_to_update(tx, o.id, s);
        // Read as the booked figure (never as a figure the sender stated) by the checks below.
        s.amount_minor = existing[0][2].as<std::int64_t>();
    }
    // A repeat that names no currency is in the one the sale was booked in (booked_currency).
    auto const currency = !s.currency.empty() ? s.currency : !existing.empty() ? existing[0][4].as<std::string>() : o.currency;
    // A new sale is priced by the offer's rule and base; a booked one by those it was booked
    // under, whatever the offer says now.
    auto const rule = existing.empty() ? o.commission : booked_rule(existing[0], 5, o.commission);
    auto priced_by = o;
    priced_by.commission = rule;
    if (!existing.empty())
        priced_by.commission_base = booked_commission_base(existing[0][18], o.commission_base);
    check_commission_rule(s, priced_by);
    if (existing.empty() && rule.type == "fixed" && currency != o.currency)
        throw http::bad_field("currency", "this offer pays a fixed commission in " + o.currency +
                                              "; the sale is in " + currency);
    auto const network = network_figure(s);
    // A reported figure as stated, taken before the shop's refunds take their share of it.
    std::optional<std::int64_t> stated_minor, stated_amount_minor;
    if (rule.type == "reported" && s.reported_commission_minor) {
        stated_minor = s.reported_commission_minor;
        stated_amount_minor = s.amount_minor;
    }
    // A status the creator states on a sale by hand is theirs (migration 0036): a shop's routine
    // order update does not undo it.
    bool const by_hand = s.via == "manual" && s.status.has_value();
    // What a shop's delivery says of its order, kept with the sale (migration 0036).
    std::optional<std::string> const shop_said = from_a_shop(s.via) ? s.status : std::nullopt;
    auto warnings = std::vector<sale_warning>();
    auto kept_refunds = shop_refunds_kept{};
    // A status alone states no figure for the shop's refunds to cap: the booked one took them; a
    // refund in full still keeps the sale rejected.
    if (!s.keeps_booked_amount) {
        if (existing.empty())
            kept_refunds = keep_shop_refunds(tx, priced_by, std::nullopt, s, currency);
        else if (existing[0][4].as<std::string>() == currency)
            kept_refunds = keep_shop_refunds(tx, priced_by, existing[0][0].as<std::int64_t>(), s, currency);
    } else if (existing[0][4].as<std::string>() == currency) {
        kept_refunds.said = keep_refund_in_full(tx, priced_by, existing[0], s, currency);
    }
    if (kept_refunds.said)
        warnings.push_back(std::move(*kept_refunds.said));
    // A status alone keeps the booked commission: recomputed, an older sale priced by the offer's
    // rule of now (booked_rule) would be repriced by a status change.
    auto const commission = s.keeps_booked_amount ? existing[0][3].as<std::int64_t>()
                                                  : commission_for(rule, s.amount_minor, s.reported_commission_minor);
    if (commission < 0)
        throw http::bad_field("commission", "commission must not be negative");

    if (existing.empty()) {
        auto const at = given_time();
        auto const latest_click = latest_click_for(tx, s, at, settings.time_zone);
        auto const a = attribute(tx, o, s, at, latest_click, settings);
        auto const inserted = tx.exec_params(
            k_insert, o.id, s.txid, s.status.value_or("pending"), s.amount_minor, commission, currency, s.click_id,
            a.link_id, a.video_id, a.promo_code_id, a.code.empty() ? s.code : a.code, a.source,
            a.method, s.via, at, settings.pending_seconds, settings.model_hours, rule.type, rule.rate_bps,
            rule.amount_minor, network, !s.occurred_at.empty(), latest_click,
            stated_minor, stated_amount_minor, by_hand, priced_by.commission_base, shop_said);
        if (!inserted.empty()) {
            auto const id = inserted[0][0].as<std::int64_t>();
            if (kept_refunds.copied_base)
                tx.exec_params0(k_copy_order_base, id, *kept_refunds.copied_base);
            // A reported figure scaled to what the shop's refunds leave is said by keep_shop_refunds.
            if (warnings.empty() || rule.type != "reported")
                for (auto& warning : commission_warnings(network, commission, rule, currency))
                    warnings.push_back(std::move(warning));
            if (time_dropped)
                warnings.push_back(*time_dropped);
            // An empty commission cell, or a postback without one, booked 0.00 in silence while
            // the statement pays the network's figure: only a file without the column said so.
            if (rule.type == "reported" && !s.reported_commission_minor && s.amount_minor > 0 &&
                !from_a_shop(s.via))
                warnings.push_back({"commission_missing", "no commission came with this sale of an offer paying the "
                                                  "network's commission: it is booked at 0.00 until the network "
                                                  "sends its figure"});
            if (auto twin = txid_twin_warning(tx, o.id, s.txid))
                warnings.push_back(std::move(*twin));
            return {id, "created", load_conversion(tx, id), std::move(warnings)};
        }
        // Another request booked the same sale a moment ago: treat this one as its repeat, as
        // given (the shop's refunds are taken off again from what the sender said, and a time
        // too far ahead is dropped and said again).
        return record_sale(tx, o, given, settings, lock);
    }
    auto const& row = existing[0];
    auto const id = row[0].as<std::int64_t>();
    auto const stored_status = row[1].as<std::string>();
    auto const stored_amount = row[2].as<std::int64_t>();
    auto const stored_commission = row[3].as<std::int64_t>();
    if (row[4].as<std::string>() != currency)
        throw http::bad_field("currency", "this sale was booked in " + row[4].as<std::string>());
    // A network that reported a commission once need not repeat it with every status change; a
    // new amount without one carries it in proportion (reported_commission_at says why), and the
    // sender is told, as the network's own figure is what should follow.
    // In proportion to the figure as it was stated, rounded once (stated_commission says why); a
    // sale booked before that was kept (migration 0034) goes on from the one it holds.
    bool const carried = rule.type == "reported" && !s.reported_commission_minor && !s.keeps_booked_amount;
    auto const basis = !row[15].is_null() && !row[16].is_null()
                           ? stated_commission{row[15].as<std::int64_t>(), row[16].as<std::int64_t>()}
                           : stated_commission{stored_commission, stored_amount};
    // A commission of 0 stated on an amount of 0 (a reversal, as many networks send it) is no
    // share of anything: kept as the basis, the network's re-approval at 100.00 without a figure
    // carried 0 of it, in silence, where the network pays the 8.00 it stated on 100.00. The
    // sale's figures are 0 all the same; the basis stays the one stated before.
    if (stated_minor == 0 && stated_amount_minor == 0) {
        stated_minor = basis.commission_minor;
        stated_amount_minor = basis.amount_minor;
    }
    auto const kept_commission =
        carried ? reported_commission_at(basis.commission_minor, basis.amount_minor, s.amount_minor,
                                         o.allow_commission_above_amount)
                : commission;
    // A reported figure scaled to what the shop's refunds leave is said by keep_shop_refunds.
    if (warnings.empty() || rule.type != "reported")
        for (auto& warning : commission_warnings(network, kept_commission, rule, currency))
            warnings.push_back(std::move(warning));
    if (carried && kept_commission != stored_commission)
        warnings.push_back({"commission", "no commission came with the new amount " +
                                              money_text(s.amount_minor, currency) + ": the sale's " +
                                              money_text(basis.commission_minor, currency) + " on " +
                                              money_text(basis.amount_minor, currency) + " is now " +
                                              money_text(kept_commission, currency) +
                                              ", in proportion to the amount (rounded half to even, never above "
                                              "the amount unless the offer allows it); the network's own figure "
                                              "replaces it when one comes"});
    if (time_dropped)
        warnings.insert(warnings.begin(), *time_dropped);

    // The sale's time. One the message gives replaces the arrival time the sale was booked at (a
    // postback has none), once. One given before stays, whatever a later message says: the
    // creator reconciles each month against the network's statement, and a re-export that dates
    // a sale otherwise (its validation date, another zone) must not move it out of a month
    // already settled. The sender is told; a creator typing a sale by hand gets a refusal, since
    // an answer of 200 would look like the new time was taken.
    auto const stored_at = row[9].as<std::string>();
    std::optional<std::string> given_at, redated;
    if (!s.occurred_at.empty()) {
        given_at = given_time();
        if (!row[11].as<bool>()) {
            redated = given_at;
        } else if (*given_at != stored_at) {
            if (s.via == "manual")
                throw http::http_error(http::status::conflict, "occurred_at_kept",
                                       "this sale was booked at " + shown_time(stored_at) +
                                           ", the time first given, and keeps it; send that occurred_at, or none",
                                       "occurred_at");
            warnings.push_back({"occurred_at", "the sale keeps its time " + shown_time(stored_at) +
                                                   ", the one first given; " + shown_time(*given_at) +
                                                   " given now is not taken (a time once given stays, so a "
                                                   "month already reconciled keeps its sales)"});
        }
    }
    auto const at = redated.value_or(stored_at);
    // First booked without a click or code (a network's first postback often has neither), a
    // sale is attributed by the repeat that brings one; an attributed sale keeps its attribution.
    // Given its real time, an unattributed sale is attributed again at it, by the click or code it
    // was booked with when the repeat names none: a late postback's click may have fallen out of a
    // window counted back from the postback's arrival.
    auto found_by = s;
    if (redated) {
        if (found_by.click_id.empty())
            found_by.click_id = row[12].as<std::string>();
        if (found_by.code.empty())
            found_by.code = row[13].as<std::string>();
    }
    // A day given alone stands for any click of that day (latest_click_for) when it is the sale's
    // time; another one, not taken, says nothing of it.
    if (given_at != at)
        found_by.occurred_at.clear();
    // The stored bound, when the sale's day was given alone; a new time brings its own (stored
    // by k_update, since a redated sale is never "unchanged").
    auto const latest_click = !redated && !row[14].is_null() ? row[14].as<std::string>()
                                                             : latest_click_for(tx, found_by, at, settings.time_zone);
    // A sale attributed by its code at its arrival (the postback's time) was credited to the code's
    // video, or the video modelled, at that time, which is not the sale's: given its real time, it
    // is attributed again at it (a November sale went to a video posted in December, and a code
    // valid only since kept a sale made before). A click's time is its own: a click keeps it.
    bool const by_code_at_arrival = redated && row[20].as<std::string>() == "promo_code";
    std::optional<attribution> found;
    if ((row[8].as<std::string>() == "none" && (!found_by.click_id.empty() || !found_by.code.empty())) ||
        by_code_at_arrival) {
        if (auto a = attribute(tx, o, found_by, at, latest_click, settings); a.method != "none" || by_code_at_arrival) {
            if (a.code.empty())
                a.code = found_by.code;
            found = std::move(a);
        }
    }
    // A shop states its order's state on every delivery (a tag or a fulfilment is enough): its
    // "paid" is the customer's payment and says nothing of the creator's payout, which a routine
    // update undid (paid back to approved). Out of rejected it may speak for itself (a WooCommerce
    // order failed, then paid again): that move is made, as any stated one, and audited.
    // A status the creator set by hand is their decision, which the order's state, restated by
    // every routine update, does not undo (a sale rejected by hand was approved again, its
    // commission counted): only the shop's own news, a cancellation or a refund in full, moves it
    // (to rejected), and the status is the shop's again from then on.
    // A cancellation or a refund in full is news once: a shop restates it with every later update
    // (Shopify's cancelled_at, the refunds listed), and a sale the creator approved by hand after
    // it was rejected again at the next tag. Only a rejection the shop had not stated before moves
    // a status set by hand (none stated yet, before migration 0036: any).
    // The same holds for a status another sender changed since the shop last spoke (a network's
    // postback or report reversed the sale): the shop's order restating what it stated before is
    // no news (its "paid" predates the reversal), and an orders/updated for a tag put a sale the
    // network rejected back to approved, its commission counted again (hostile probe D1). A
    // status the shop had not stated before (paid after pending, a cancellation, a refund in
    // full) still moves it; none stated yet (a sale booked before migration 0036) is news.
    bool const set_by_hand = row[17].as<bool>();
    auto const shop_stated_before = row[19].is_null() ? std::string() : row[19].as<std::string>();
    bool const shop_rejected_before = shop_stated_before == "rejected";
    auto stated = s.status;
    if (stated && from_a_shop(s.via) && stored_status == "paid" &&
        is_move_backwards(stored_status, *stated)) {
        warnings.push_back({"status", "the shop's order reads " + *stated + "; the sale stays " + stored_status +
                                          " (a status moves back only by hand)"});
        stated.reset();
    } else if (stated && from_a_shop(s.via) && set_by_hand && *stated != stored_status &&
               (*stated != "rejected" || shop_rejected_before)) {
        warnings.push_back({"status", "the shop's order reads " + *stated + "; the sale stays " + stored_status +
                                          ", the status set by hand (a shop's update changes it only by a "
                                          "new cancellation or refund in full)"});
        stated.reset();
    } else if (stated && from_a_shop(s.via) && *stated != stored_status && *stated == shop_stated_before) {
        warnings.push_back({"status", "the shop's order reads " + *stated + "; the sale stays " + stored_status +
                                          ", set by another sender (a network's postback or report) after the "
                                          "shop stated " + *stated + " (a shop's update changes a status only by "
                                          "news: a status it had not stated before)"});
        stated.reset();
    }
    auto const status = stated.value_or(stored_status);
    bool const same = !redated && status == stored_status && stored_amount == s.amount_minor &&
                      stored_commission == kept_commission &&
                      (!network || (!row[10].is_null() && row[10].as<std::int64_t>() == *network)) &&
                      (!stated_minor || (!row[15].is_null() && row[15].as<std::int64_t>() == *stated_minor &&
                                         !row[16].is_null() && row[16].as<std::int64_t>() == stated_amount_minor));
    if (same && !found) {
        // The status stays, now stated by hand, or the shop's statement of it is kept: nothing a
        // consumer of events sees changes.
        if (by_hand && !set_by_hand)
            tx.exec_params0("UPDATE conversions SET status_set_by_hand = true WHERE id = $1", id);
        if (shop_said && (row[19].is_null() || row[19].as<std::string>() != *shop_said))
            tx.exec_params0("UPDATE conversions SET shop_stated_status = $2 WHERE id = $1", id, *shop_said);
        return {id, "unchanged", load_conversion(tx, id), std::move(warnings)};
    }
    if (is_move_backwards(stored_status, status))
        tx.exec_params0(k_audit_move_backwards, audit_actor(s.via), s.via, id,
                        "txid=" + clicks::storable_text(s.txid, 60) + " status=" + stored_status + "->" + status);
    auto const a = found.value_or(attribution{});
    // A sale booked without its rule or base (k_update) takes the ones that priced a figure now
    // given; a status alone gives none, and the commission it keeps was worked out on another rule:
    // stamped with the offer's rule of now, the sale's later refunds would be priced by it.
    auto const stamps = !s.keeps_booked_amount;
    auto const rule_type = stamps ? std::optional<std::string>(rule.type) : std::nullopt;
    auto const rule_rate = stamps ? rule.rate_bps : std::nullopt;
    auto const rule_fixed = stamps ? rule.amount_minor : std::nullopt;
    auto const base = stamps ? std::optional<std::string>(priced_by.commission_base) : std::nullopt;
    tx.exec_params0(k_update, id, status, s.amount_minor, kept_commission, rule_type, rule_rate, rule_fixed, network,
                    redated, latest_click, found.has_value(), found_by.click_id, a.link_id, a.video_id,
                    a.promo_code_id, a.code, a.source, a.method, settings.pending_seconds, settings.model_hours,
                    stated_minor, stated_amount_minor, by_hand, base, shop_said);
    return {id, "updated", load_conversion(tx, id), std::move(warnings)};
}

std::optional<sale_outcome> change_status(pqxx::transaction_base& tx, std::int64_t conversion_id,
                                          std::string const& status)
{
    auto const rows = tx.exec_params("SELECT status FROM conversions WHERE id = $1 FOR UPDATE", conversion_id);
    if (rows.empty())
        return std::nullopt;
    // Set by hand, the status is the creator's (migration 0036), even when it was so already:
    // a shop's routine order update no longer undoes it.
    if (rows[0][0].as<std::string>() == status) {
        tx.exec_params0("UPDATE conversions SET status_set_by_hand = true WHERE id = $1 AND NOT status_set_by_hand",
                        conversion_id);
        return sale_outcome{conversion_id, "unchanged", load_conversion(tx, conversion_id), {}};
    }
    tx.exec_params0("UPDATE conversions SET status = $2, status_set_by_hand = true, updated_at = now() WHERE id = $1",
                    conversion_id, status);
    return sale_outcome{conversion_id, "updated", load_conversion(tx, conversion_id), {}};
}

constexpr char const* k_given_up_with_code = R"sql(
SELECT c.id, c.offer_id, o.attribution_window_days, c.code,
       to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(coalesce(c.click_until, c.occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       coalesce(c.model_hours, 72)
FROM conversions c JOIN offers o ON o.id = c.offer_id
WHERE c.attribution = 'pending' AND c.attribution_deadline <= now() AND c.code IS NOT NULL
ORDER BY c.id
FOR UPDATE OF c
)sql";

// Audited as the give-up is: why the click did not decide, and which code did.
constexpr char const* k_attribute_by_code = R"sql(
WITH attributed AS (
    UPDATE conversions SET attribution = $2, source = $3, link_id = $4, video_id = $5, promo_code_id = $6,
                           code = $7, attribution_deadline = NULL, updated_at = now()
    WHERE id = $1
    RETURNING id, txid, click_id, code
)
INSERT INTO audit_log (actor_kind, actor_name, action, target_id, summary)
SELECT 'system', 'late clicks', 'conversion.attributed_by_code', a.id,
       'txid=' || left(a.txid, 60) ||
       CASE WHEN EXISTS (SELECT 1 FROM clicks k WHERE k.click_id = a.click_id)
            THEN ' its click does not count (a bot''s, or a repeat)'
            ELSE ' click not stored before the deadline' END || ': attributed by its code ' || left(a.code, 64)
FROM attributed a
)sql";

int attribute_given_up_by_code(pqxx::transaction_base& tx)
{
    int attributed = 0;
    for (auto const& row : tx.exec(k_given_up_with_code)) {
        offer o;
        o.id = row[1].as<std::int64_t>();
        o.attribution_window_days = row[2].as<int>();
        sale s;
        s.code = row[3].as<std::string>();
        attribution_settings settings;
        settings.model_hours = row[6].as<int>();
        auto const a = attribute(tx, o, s, row[4].as<std::string>(), row[5].as<std::string>(), settings);
        if (a.method == "none")
            continue; // given up by the sweep, as one without a code
        tx.exec_params0(k_attribute_by_code, row[0].as<std::int64_t>(), a.method, a.source, a.link_id, a.video_id,
                        a.promo_code_id, a.code);
        ++attributed;
    }
    return attributed;
}

} // namespace linkledger::money
