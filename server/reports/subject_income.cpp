#include "reports/subject_income.hpp"

#include "http/response.hpp"
#include "reports/report_period.hpp"
#include "reports/report_subject.hpp"

#include <pqxx/pqxx>

namespace linkledger::reports {
namespace {

namespace net = boost::asio;

using http::status;

// $1 from, $2 to, $3 the zone, $4 the video. A video's income entries are a few a day at most:
// no limit beyond the period's.
constexpr char const* k_income = R"sql(
    SELECT i.id, to_char(i.day, 'YYYY-MM-DD'), i.stream, i.amount_minor, i.currency, i.note
    FROM income i
    WHERE i.video_id = $4 AND i.day >= ($1::timestamptz AT TIME ZONE $3)::date
      AND i.day < ($2::timestamptz AT TIME ZONE $3)::date
    ORDER BY i.day DESC, i.id DESC)sql";

} // namespace

void add_subject_income_routes(http::router& routes, db::database& db, std::string instance_zone)
{
    routes.add(http::verb::get, "/api/v1/reports/income", [&db, instance_zone](http::request_context& ctx) -> net::awaitable<http::response> {
        auto body = co_await db.run([&](pqxx::connection& conn) {
            pqxx::read_transaction tx(conn);
            auto const period = resolve_period(tx, ctx, instance_zone);
            auto const subject = subject_of(tx, ctx, true);
            auto const video = subject.video_id ? subject.video_id : subject.video_of_link;
            boost::json::array rows;
            if (video) {
                for (auto const& r : tx.exec_params(k_income, period.from, period.to, period.zone, *video))
                    rows.push_back({{"id", r[0].as<std::int64_t>()},
                                    {"day", r[1].as<std::string>()},
                                    {"stream", r[2].as<std::string>()},
                                    {"amount_minor", r[3].as<std::int64_t>()},
                                    {"currency", r[4].as<std::string>()},
                                    {"note", r[5].as<std::string>()}});
            }
            boost::json::object out{{"tz", period.zone}, {"from", period.from}, {"to", period.to}, {"rows", std::move(rows)}};
            out["link_id"] = subject.link_id ? boost::json::value(*subject.link_id) : nullptr;
            out["video_id"] = video ? boost::json::value(*video) : nullptr;
            return out;
        });
        co_return http::json_response(status::ok, body);
    }, {.requires_api_key = true});
}

} // namespace linkledger::reports
