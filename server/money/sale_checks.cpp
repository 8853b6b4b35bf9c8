#include "money/sale_checks.hpp"

#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"
#include "money/amount.hpp"

#include <cstdio>

namespace linkledger::money {
namespace {

// PostgreSQL refuses invalid UTF-8 with an error that would abort the whole transaction (a
// CSV's good rows with it), and libpq ends a parameter at its first NUL ("ST-A\0zzz" would act
// on sale "ST-A"): such text is refused here, naming its field, before it gets there.
void check_text(std::string const& field, std::string const& value, std::size_t max_bytes)
{
    if (value.size() > max_bytes)
        throw http::bad_field(field, field + " is longer than " + std::to_string(max_bytes) + " bytes");
    if (!clicks::is_clean_text(value))
        throw http::bad_field(field, field + " must be UTF-8 text without control characters");
}

void check_amount(std::string const& field, std::int64_t minor)
{
    if (minor < 0)
        throw http::bad_field(field, field + " must not be negative");
    if (minor > k_max_amount_minor)
        throw http::bad_field(field, field + " is above the largest amount one sale may carry (" +
                                         std::to_string(k_max_amount_minor) + " minor units)");
}

} // namespace

void check_sale(sale const& s, offer const& o)
{
    check_sale_but_commission_rule(s);
    check_commission_rule(s, o);
}

void check_sale_but_commission_rule(sale const& s)
{
    if (s.txid.empty())
        throw http::bad_field("txid", "txid is required", "required");
    check_text("txid", s.txid, k_max_txid_bytes);
    check_text("click_id", s.click_id, k_max_click_id_bytes);
    check_text("code", s.code, k_max_code_bytes);
    check_text("date", s.occurred_at, 64);
    if (!s.currency.empty() && !currency_exponent(s.currency))
        throw http::bad_field("currency", "currency must be an ISO 4217 code such as EUR");
    check_amount("amount", s.amount_minor);
    if (s.reported_commission_minor)
        check_amount("commission", *s.reported_commission_minor);
}

void check_commission_rule(sale const& s, offer const& o)
{
    if (s.reported_commission_minor) {
        // An offer that computes its own commission only keeps the network's figure beside it:
        // refusing the message for it would lose the sale itself.
        bool const computes_its_own = o.commission.type == "percent" || o.commission.type == "fixed";
        if (*s.reported_commission_minor > s.amount_minor && !o.allow_commission_above_amount && !computes_its_own)
            throw http::bad_field("commission", "commission is above the sale amount (an offer for leads can "
                                                "allow it: allow_commission_above_amount)");
    }
}

bool is_sale_time_ahead(std::string const& utc_at, std::chrono::system_clock::time_point now)
{
    using namespace std::chrono;
    int y = 0;
    unsigned m = 0, d = 0, hh = 0, mm = 0, ss = 0;
    // The text comes from PostgreSQL's to_char (sale_recorder): one that does not read is not a
    // time this check can judge, and PostgreSQL has already accepted it.
    if (std::sscanf(utc_at.c_str(), "%d-%u-%uT%u:%u:%u", &y, &m, &d, &hh, &mm, &ss) != 6)
        return false;
    // Past what std::chrono::year holds (PostgreSQL takes years up to 294276) is ahead too.
    if (y > static_cast<int>(year::max()))
        return true;
    year_month_day const date{year{y}, month{m}, day{d}};
    if (!date.ok())
        return false;
    // Compared in seconds: a year like 12026 in nanoseconds overflows (UBSan in tests/run.sh).
    auto const at = sys_days{date} + hours{hh} + minutes{mm} + seconds{ss};
    return at > time_point_cast<seconds>(now) + duration_cast<seconds>(k_sale_time_slack);
}

bool is_sale_time_too_old(std::string const& utc_at)
{
    int y = 0;
    unsigned m = 0, d = 0;
    // PostgreSQL writes a year before 1000 with four digits (0026) and one before year 1 with
    // " BC" after the time: both read as a year under 2000. The day before 2000 in UTC is still
    // 2000-01-01 east of Greenwich (a date alone in Paris is 1999-12-31T23:00Z).
    if (std::sscanf(utc_at.c_str(), "%d-%u-%u", &y, &m, &d) != 3)
        return false;
    return y < k_first_sale_year - 1 || (y == k_first_sale_year - 1 && (m < 12 || d < 31));
}

void check_sale_time(std::string const& utc_at, std::string const& written, std::string const& field,
                     std::chrono::system_clock::time_point now)
{
    bool const ahead = is_sale_time_ahead(utc_at, now);
    if (!ahead && !is_sale_time_too_old(utc_at))
        return;
    // Appended: g++ 12 -O2 raises a false -Wrestrict on "'" + std::string here.
    std::string text(1, '\'');
    text.append(written, 0, 40);
    if (ahead)
        text.append("' is in the future: a sale's time may be at most a day ahead of now");
    else
        text.append("' is before ").append(std::to_string(k_first_sale_year)).append(": a typo for this century's year?");
    throw http::bad_field(field, text);
}

} // namespace linkledger::money
