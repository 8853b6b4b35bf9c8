#include "audit/audit_api.hpp"

#include "audit/audit_log.hpp"
#include "http/http_error.hpp"
#include "http/response.hpp"

#include <pqxx/pqxx>

#include <charconv>

namespace linkledger::audit {
namespace {

namespace net = boost::asio;
using http::status;

constexpr int k_default_limit = 50;
constexpr int k_max_limit = 200;

template <class Number>
std::optional<Number> whole_number(std::string const& text)
{
    Number n{};
    auto const* end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, n);
    if (ec != std::errc{} || ptr != end)
        return std::nullopt;
    return n;
}

} // namespace

void add_audit_routes(http::router& routes, db::database& db)
{
    routes.add(http::verb::get, "/api/v1/audit-log",
               [&db](http::request_context& ctx) -> net::awaitable<http::response> {
        // Viewers see the figures, not who did what from where.
        if (ctx.who->kind == http::principal::via::session && ctx.who->role != "owner")
            throw http::http_error(status::forbidden, "owners_only", "only owners can read the audit log");
        int limit = k_default_limit;
        if (auto const text = ctx.query("limit"); text && !text->empty()) {
            auto const n = whole_number<int>(*text);
            if (!n || *n < 1 || *n > k_max_limit)
                throw http::bad_field("limit", "limit must be a whole number from 1 to " + std::to_string(k_max_limit));
            limit = *n;
        }
        std::int64_t before = 0;
        if (auto const text = ctx.query("before"); text && !text->empty()) {
            auto const n = whole_number<std::int64_t>(*text);
            if (!n || *n < 1)
                throw http::bad_field("before", "before must be the id of an entry (the next_before of a previous page)");
            before = *n;
        }
        auto rows = co_await db.run([&](pqxx::connection& conn) { return list(conn, limit + 1, before); });
        boost::json::value next = nullptr;
        if (rows.size() > static_cast<std::size_t>(limit)) {
            rows.resize(static_cast<std::size_t>(limit));
            next = rows.back().as_object().at("id").as_int64();
        }
        co_return http::json_response(status::ok, boost::json::object{{"entries", std::move(rows)},
                                                                      {"next_before", next}});
    }, {.requires_api_key = true});
}

} // namespace linkledger::audit
