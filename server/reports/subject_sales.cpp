#include "reports/subject_sales.hpp"

#include "db/utc_timestamp.hpp"
#include "http/response.hpp"
#include "reports/report_period.hpp"
#include "reports/report_subject.hpp"

#include <pqxx/pqxx>

namespace linkledger::reports {
namespace {

namespace net = boost::asio;

using http::status;

constexpr int k_max_sales = 500;

// $1 from, $2 to, $3 the zone, $4 the link or NULL, $5 the video or NULL, $6 the limit.
// The sales made in the period at the figures their own month counts them for (a sale paid and
// then refunded: what was paid), and the adjustments after payment that came in the period
// (migration 0043), so the list adds up to the curve above it.
constexpr auto k_sales = "SELECT x.id, " + db::utc_timestamp("x.at") + R"sql(,
           to_char((x.at AT TIME ZONE $3)::date, 'YYYY-MM-DD'), x.status, x.amount_minor, x.commission_minor,
           x.currency, x.attribution, x.via, x.code, x.offer, x.adjustment
    FROM (SELECT c.id, c.occurred_at AS at, c.status, c.currency, c.attribution, c.via, c.code, o.name AS offer,
                 false AS adjustment, 0::bigint AS adjustment_id,
                 CASE WHEN c.paid_at IS NOT NULL
                      THEN linkledger_counted_amount(c.status, c.amount_minor) - c.adjusted_amount_minor
                      ELSE c.amount_minor END AS amount_minor,
                 CASE WHEN c.paid_at IS NOT NULL
                      THEN linkledger_counted_amount(c.status, c.commission_minor) - c.adjusted_commission_minor
                      ELSE c.commission_minor END AS commission_minor
          FROM conversions c JOIN offers o ON o.id = c.offer_id
          WHERE c.occurred_at >= $1::timestamptz AND c.occurred_at < $2::timestamptz
            AND ($4::bigint IS NULL OR c.link_id = $4::bigint) AND ($5::bigint IS NULL OR c.video_id = $5::bigint)
          UNION ALL
          SELECT c.id, a.at, a.status_after, c.currency, c.attribution, c.via, c.code, o.name, true, a.id,
                 a.amount_minor, a.commission_minor
          FROM conversion_adjustments a JOIN conversions c ON c.id = a.conversion_id JOIN offers o ON o.id = c.offer_id
          WHERE a.at >= $1::timestamptz AND a.at < $2::timestamptz
            AND ($4::bigint IS NULL OR c.link_id = $4::bigint) AND ($5::bigint IS NULL OR c.video_id = $5::bigint)) x
    ORDER BY x.at DESC, x.id DESC, x.adjustment_id DESC
    LIMIT $6)sql";

boost::json::value text_or_null(pqxx::field const& f)
{
    return f.is_null() ? boost::json::value(nullptr) : boost::json::value(f.as<std::string>());
}

} // namespace

void add_subject_sales_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    routes.add(http::verb::get, "/api/v1/reports/sales", [&db, instance_zone](http::request_context& ctx) -> net::awaitable<http::response> {
        auto body = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const period = resolve_period(tx, ctx, instance_zone);
            auto const subject = subject_of(tx, ctx, true);
            boost::json::array rows;
            auto const result = tx.exec_params(k_sales.c_str(), period.from, period.to, period.zone, subject.link_id,
                                               subject.video_id, k_max_sales + 1);
            for (auto const& r : result) {
                if (rows.size() == k_max_sales)
                    break;
                rows.push_back({{"id", r[0].as<std::int64_t>()},
                                {"occurred_at", r[1].as<std::string>()},
                                {"day", r[2].as<std::string>()},
                                {"status", r[3].as<std::string>()},
                                {"amount_minor", r[4].as<std::int64_t>()},
                                {"commission_minor", r[5].as<std::int64_t>()},
                                {"currency", r[6].as<std::string>()},
                                {"attribution", r[7].as<std::string>()},
                                {"via", r[8].as<std::string>()},
                                {"code", text_or_null(r[9])},
                                {"offer", r[10].as<std::string>()},
                                {"adjustment", r[11].as<bool>()}});
            }
            boost::json::object out{{"tz", period.zone}, {"from", period.from}, {"to", period.to},
                                    {"more", result.size() > static_cast<std::size_t>(k_max_sales)},
                                    {"rows", std::move(rows)}};
            out["link_id"] = subject.link_id ? boost::json::value(*subject.link_id) : nullptr;
            out["video_id"] = subject.video_id ? boost::json::value(*subject.video_id) : nullptr;
            return out;
        });
        co_return http::json_response(status::ok, body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
