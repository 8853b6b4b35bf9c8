#include "money/postback_api.hpp"

#include "crypto/digest.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/response.hpp"
#include "money/import_wait.hpp"
#include "money/intake_audit.hpp"
#include "money/order_lock.hpp"
#include "money/postback_params.hpp"

#include <pqxx/pqxx>

namespace linkledger::money {
namespace {

namespace net = boost::asio;

using http::status;

} // namespace

void add_postback_routes(http::router& routes, db::database& db, attribution_settings settings)
{
    auto const postback = [&db, settings](http::request_context& ctx) -> net::awaitable<http::response> {
        auto const offer_id = http::path_id(ctx.path_param("offer_id"));
        intake const in{"postback", offer_id, ctx.remote_ip};
        postback_parameters params;
        auto book = [&](pqxx::connection& conn) {
            try {
                params = postback_params(ctx.req, ctx.target);
                auto const token = postback_param(params, "token");
                pqxx::work tx(conn);
                db::wait_as_long_as_needed(tx);
                auto const o = load_offer(tx, offer_id);
                if (!o)
                    throw http::http_error(status::not_found, "not_found", "no such offer", "offer_id");
                auto const digest = crypto::sha256(token);
                if (!crypto::constant_time_equal(
                        std::string_view(reinterpret_cast<char const*>(digest.data()), digest.size()),
                        o->postback_token_sha256))
                    throw http::http_error(status::forbidden, "bad_token", "the postback token is wrong", "token");
                leave_if_an_import_holds_offer(tx, o->id);
                // The sale's lock before its currency is read (order_lock.hpp): a shop's order of it
                // booked meanwhile in another currency is then read, not missed.
                auto const booked = [&](std::string const& txid) {
                    lock_sale(tx, o->id, txid);
                    return booked_currency(tx, o->id, txid);
                };
                auto result = record_sale(tx, *o, sale_from_postback(params, *o, booked), settings);
                audit_accepted(tx, in, {{"result", result.result}, {"conversion", result.conversion}});
                tx.commit();
                return result;
            } catch (http::http_error const& refusal) {
                audit_refused(conn, in, refusal);
                throw;
            }
        };
        auto const outcome = co_await run_beside_imports(db, offer_id, book);
        // As the CSV import's answer: always there, empty when there is nothing to say. A payout
        // that is not the commission the offer computes is kept and said, never dropped in silence.
        boost::json::array warnings;
        for (auto const& warning : outcome.warnings)
            warnings.emplace_back(warning.text);
        boost::json::object answer{
            {"result", outcome.result}, {"conversion", outcome.conversion}, {"warnings", std::move(warnings)}};
        if (auto const macros = unfilled_macros(params); !macros.empty()) {
            boost::json::array names;
            for (auto const& name : macros)
                names.emplace_back(name);
            answer["unfilled_macros"] = std::move(names);
            answer["note"] = "parameters left as {macro} by the network were treated as absent";
        }
        co_return http::json_response(status::ok, answer);
    };
    routes.add(http::verb::get, "/postback/{offer_id}", postback);
    routes.add(http::verb::post, "/postback/{offer_id}", postback);
}

} // namespace linkledger::money
