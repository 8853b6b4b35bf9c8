#include "reports/video_economics.hpp"

#include "money/amount.hpp"
#include "reports/report_money.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace linkledger::reports {
namespace {

// Per video: views and followers over the period's calendar days of the creator's zone, and
// income entries per currency. $1 from, $2 to (instants), $3 the zone.
constexpr char const* k_video_extras = R"sql(
    WITH days AS (SELECT ($1::timestamptz AT TIME ZONE $3)::date AS first_day,
                         ($2::timestamptz AT TIME ZONE $3)::date AS end_day),
    stats AS (
        SELECT s.video_id, sum(s.views) AS views, sum(s.followers_gained) AS followers
        FROM video_stats s, days d WHERE s.day >= d.first_day AND s.day < d.end_day
        GROUP BY s.video_id),
    income AS (
        SELECT i.video_id, i.currency, sum(i.amount_minor) AS amount
        FROM income i, days d WHERE i.video_id IS NOT NULL AND i.day >= d.first_day AND i.day < d.end_day
        GROUP BY 1, 2)
    SELECT COALESCE(s.video_id, i.video_id)::text, s.views, s.followers, i.currency, i.amount,
           (SELECT COALESCE(NULLIF(v.title, ''), v.url) FROM videos v WHERE v.id = COALESCE(s.video_id, i.video_id))
    FROM stats s FULL JOIN income i ON i.video_id = s.video_id)sql";

struct video_extras {
    std::optional<std::int64_t> views;
    std::optional<std::int64_t> followers;
    std::map<std::string, wide> income; // by currency
    std::string label;
};

std::optional<std::int64_t> count_of(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::int64_t>());
}

std::map<std::string, video_extras> load_extras(pqxx::transaction_base& tx, std::string const& from,
                                                std::string const& to, std::string const& zone)
{
    std::map<std::string, video_extras> out;
    for (auto const& r : tx.exec_params(k_video_extras, from, to, zone)) {
        auto& extra = out[r[0].as<std::string>()];
        extra.views = count_of(r[1]);
        extra.followers = count_of(r[2]);
        if (!r[3].is_null())
            extra.income[r[3].as<std::string>()] = wide_of(r[4]);
        extra.label = r[5].is_null() ? "" : r[5].as<std::string>();
    }
    return out;
}

std::string key_of(boost::json::object const& row)
{
    auto const& key = row.at("key");
    return key.is_string() ? std::string(key.get_string()) : std::string();
}

std::optional<std::string> currency_of(boost::json::object const& row)
{
    auto const* currency = row.if_contains("currency");
    if (currency == nullptr || !currency->is_string())
        return std::nullopt;
    return std::string(currency->get_string());
}

// A row for a video and currency the report has no row for: its clicks if it has a row in
// another currency, no sale.
boost::json::object extra_row(boost::json::object const* sibling, std::string const& key, std::string const& label)
{
    boost::json::object row;
    if (sibling != nullptr) {
        row = *sibling;
    } else {
        row = {{"key", key}, {"label", label.empty() ? key : label}, {"clicks", 0}, {"unique_clicks", 0}};
    }
    for (auto const* zero : {"conversions", "revenue_minor", "commission_minor", "approved_commission_minor",
                             "click_conversions", "sales_without_click", "epc_minor"})
        row[zero] = 0;
    row["conversion_rate"] = 0.0;
    row["currency"] = nullptr;
    return row;
}

// A figure to rank by: nothing (ranked last) when unknown.
std::optional<wide> rank_value(boost::json::object const& row, video_ranking ranking)
{
    char const* field = "commission_minor";
    switch (ranking) {
    case video_ranking::commission: field = "commission_minor"; break;
    case video_ranking::earnings: field = "earnings_minor"; break;
    case video_ranking::rpm: field = "rpm_minor"; break;
    case video_ranking::followers: field = "followers_gained"; break;
    }
    auto const& value = row.at(field);
    if (value.is_null())
        return std::nullopt;
    return wide_of_json(value);
}

// Each currency of the rows and its place: the most sales first, ties by code.
std::map<std::string, std::size_t> currency_blocks(boost::json::array const& rows)
{
    std::map<std::string, std::int64_t> sales;
    for (auto const& row : rows)
        if (auto const currency = currency_of(row.as_object()))
            sales[*currency] += row.as_object().at("conversions").as_int64();
    std::vector<std::pair<std::string, std::int64_t>> order(sales.begin(), sales.end()); // by code
    std::stable_sort(order.begin(), order.end(), [](auto const& a, auto const& b) { return a.second > b.second; });
    std::map<std::string, std::size_t> out;
    for (std::size_t i = 0; i < order.size(); ++i)
        out.emplace(order[i].first, i);
    return out;
}

// Ids are compared as numbers ("9" before "10").
bool key_before(std::string const& a, std::string const& b)
{
    return a.size() != b.size() ? a.size() < b.size() : a < b;
}

} // namespace

std::optional<video_ranking> video_ranking_of(std::string_view name)
{
    if (name == "commission")
        return video_ranking::commission;
    if (name == "earnings")
        return video_ranking::earnings;
    if (name == "rpm")
        return video_ranking::rpm;
    if (name == "followers")
        return video_ranking::followers;
    return std::nullopt;
}

void add_economics(boost::json::object& row, video_sums const& sums)
{
    auto const earnings = sums.commission_minor + sums.other_income_minor;
    boost::json::value views = nullptr;
    boost::json::value per_thousand_views = nullptr;
    boost::json::value rpm = nullptr;
    if (sums.views) {
        views = *sums.views;
        if (*sums.views > 0) {
            auto const views_d = static_cast<double>(*sums.views);
            per_thousand_views = std::round(static_cast<double>(sums.clicks) * 1000.0 / views_d * 10000.0) / 10000.0;
            rpm = json_money(money::divide_half_even(earnings * 1000, *sums.views));
        }
    }
    boost::json::value followers = nullptr;
    boost::json::value per_follower = nullptr;
    if (sums.followers_gained) {
        followers = *sums.followers_gained;
        if (*sums.followers_gained > 0)
            per_follower = json_money(money::divide_half_even(earnings, *sums.followers_gained));
    }
    row["views"] = views;
    row["followers_gained"] = followers;
    row["other_income_minor"] = json_money(sums.other_income_minor);
    row["earnings_minor"] = json_money(earnings);
    row["clicks_per_1000_views"] = per_thousand_views;
    row["rpm_minor"] = rpm;
    row["earnings_per_follower_minor"] = per_follower;
}

void add_video_economics(pqxx::transaction_base& tx, boost::json::array& rows, std::string const& from,
                         std::string const& to, std::string const& zone, video_ranking ranking)
{
    auto const extras = load_extras(tx, from, to, zone);
    std::set<std::pair<std::string, std::string>> covered; // (key, currency) with a row
    std::map<std::string, boost::json::object const*> first_row_of;
    for (auto& value : rows) {
        auto& row = value.as_object();
        auto const key = key_of(row);
        auto const extra = extras.find(key);
        auto currency = currency_of(row);
        // A video that sold nothing has one row without a currency: its income gives it one.
        if (!currency && extra != extras.end() && !extra->second.income.empty()) {
            currency = extra->second.income.begin()->first;
            row["currency"] = *currency;
        }
        video_sums sums;
        sums.clicks = row.at("clicks").as_int64();
        sums.commission_minor = wide_of_json(row.at("commission_minor"));
        if (extra != extras.end() && !key.empty()) {
            sums.views = extra->second.views;
            sums.followers_gained = extra->second.followers;
            if (currency) {
                auto const income = extra->second.income.find(*currency);
                if (income != extra->second.income.end())
                    sums.other_income_minor = income->second;
            }
        }
        add_economics(row, sums);
        covered.emplace(key, currency.value_or(""));
        first_row_of.emplace(key, &row);
    }

    std::vector<boost::json::object> added;
    for (auto const& [key, extra] : extras) {
        auto const sibling = first_row_of.find(key);
        auto const* template_row = sibling == first_row_of.end() ? nullptr : sibling->second;
        auto const make = [&](std::optional<std::string> const& currency, wide income) {
            auto row = extra_row(template_row, key, extra.label);
            if (currency)
                row["currency"] = *currency;
            add_economics(row, {extra.views, extra.followers, row.at("clicks").as_int64(), 0, income});
            added.push_back(std::move(row));
        };
        for (auto const& [currency, income] : extra.income)
            if (!covered.contains({key, currency}))
                make(currency, income);
        if (template_row == nullptr && extra.income.empty())
            make(std::nullopt, 0); // views or followers, no click, no money
    }
    for (auto& row : added)
        rows.push_back(std::move(row));

    // The report's own order (commission, then clicks, then key), then the ranking asked for.
    // Money is compared within a currency only: 1,543.25 KWD (154325 minor units) is not ahead of
    // 12.00 EUR (1200) by its figure, and the instance keeps no exchange rates. A money ranking
    // (commission, earnings, RPM) is therefore one block per currency, the currency of the most
    // sales first (ties by code), as the dashboard's charts pick theirs, then rows without money;
    // followers, a count, rank across currencies and only their ties go by currency.
    auto const blocks = currency_blocks(rows);
    auto const block_of = [&blocks](boost::json::object const& row) {
        auto const currency = currency_of(row);
        return currency ? blocks.at(*currency) : blocks.size();
    };
    std::vector<boost::json::object> sorted;
    sorted.reserve(rows.size());
    for (auto& row : rows)
        sorted.push_back(std::move(row.as_object()));
    std::stable_sort(sorted.begin(), sorted.end(), [ranking, &block_of](auto const& a, auto const& b) {
        auto const ba = block_of(a);
        auto const bb = block_of(b);
        if (ranking != video_ranking::followers && ba != bb)
            return ba < bb;
        auto const x = rank_value(a, ranking);
        auto const y = rank_value(b, ranking);
        if (x.has_value() != y.has_value())
            return x.has_value();
        if (x && *x != *y)
            return *x > *y;
        if (ba != bb)
            return ba < bb;
        auto const ca = wide_of_json(a.at("commission_minor"));
        auto const cb = wide_of_json(b.at("commission_minor"));
        if (ca != cb)
            return ca > cb;
        if (a.at("clicks").as_int64() != b.at("clicks").as_int64())
            return a.at("clicks").as_int64() > b.at("clicks").as_int64();
        auto const ka = key_of(a);
        auto const kb = key_of(b);
        if (ka != kb)
            return !ka.empty() && (kb.empty() || key_before(ka, kb)); // "(none)" last
        return false;
    });
    rows.clear();
    for (auto& row : sorted)
        rows.push_back(std::move(row));
}

} // namespace linkledger::reports
