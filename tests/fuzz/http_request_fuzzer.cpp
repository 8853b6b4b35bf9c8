// Raw bytes as a client sends them: parsed by Beast with the listener's limits and answered by a
// router carrying the server's own routes — the redirect against an in-memory link table, the
// health checks and the postback (with a database that is never reachable) — plus an
// authenticated API route built from the same edge helpers as the links API. Whatever arrives,
// the answer is a well-formed response: never a 500 (an unexpected exception), JSON errors
// that name their code, and no header value that could split the response.
#include "clicks/bot_detector.hpp"
#include "clicks/classifier.hpp"
#include "clicks/click_journal.hpp"
#include "clicks/embedded_bot_patterns.hpp"
#include "clicks/geoip.hpp"
#include "db/database.hpp"
#include "db/sql_errors.hpp"
#include "fuzz_check.hpp"
#include "http/early_answers.hpp"
#include "http/health_api.hpp"
#include "http/http_error.hpp"
#include "http/json_body.hpp"
#include "http/request_head.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "http/wire_format.hpp"
#include "links/redirect_handler.hpp"
#include "links/redirect_table.hpp"
#include "links/slug.hpp"
#include "links/target_url.hpp"
#include "money/postback_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>

using namespace linkledger;
using fuzz::expect;
namespace net = boost::asio;

namespace {

// POST/PATCH /api/v1/links as the links API validates it, answered without storing anything.
net::awaitable<http::response> validate_link(http::request_context& ctx)
{
    if (ctx.path_params.contains("id"))
        (void)http::path_id(ctx.path_param("id"));
    if (ctx.req.method() == http::verb::get || ctx.req.method() == http::verb::delete_)
        co_return http::json_response(http::status::ok, boost::json::object{{"links", boost::json::array{}}});
    auto const body = http::json_object_body(ctx.req);
    http::reject_unknown_fields(body, {"target_url", "slug", "title", "active", "offer_id", "video_id", "at"});
    auto const target = http::optional_string(body, "target_url", links::k_max_target_length);
    if (target)
        if (auto const problem = links::target_url_problem(*target))
            throw http::bad_field("target_url", *problem);
    if (auto const slug = http::optional_string(body, "slug", 64))
        if (auto const problem = links::slug_problem(*slug))
            throw http::bad_field("slug", *problem);
    (void)http::optional_string(body, "title", 200);
    (void)http::optional_bool(body, "active");
    (void)http::optional_int(body, "offer_id", 1, INT64_MAX);
    (void)http::optional_time(body, "at");
    (void)http::checked_time(ctx.query("since"), "since");
    co_return http::json_response(http::status::created, boost::json::object{{"ok", true}});
}

// The principals the fuzzer can present: an API key, an owner's and a viewer's session.
net::awaitable<std::optional<http::principal>> authenticate(http::credentials const& presented)
{
    if (presented.bearer_token == "ll_fuzzkey0_0123456789abcdefghijklmnopqrstuv")
        co_return http::principal{http::principal::via::api_key, 1, true, "", "", ""};
    if (presented.session_id == "owner-session")
        co_return http::principal{http::principal::via::session, 2, true, "o@x.test", "owner", "csrf-owner"};
    if (presented.session_id == "viewer-session")
        co_return http::principal{http::principal::via::session, 3, false, "v@x.test", "viewer", "csrf-viewer"};
    co_return std::nullopt;
}

struct world {
    std::filesystem::path dir;
    clicks::bot_detector bots{clicks::embedded_bot_patterns()};
    clicks::classifier classifier{bots};
    clicks::geoip geo;
    links::redirect_table table;
    std::unique_ptr<clicks::click_journal> journal;
    // No server listens on this socket directory: every query fails at once, as when
    // PostgreSQL is down, which the routes must answer with 503s, never a 500.
    db::database database{"postgresql:///fuzz?host=/nonexistent-linkledger-fuzz&connect_timeout=1", 1};
    std::unique_ptr<links::redirect_handler> redirects;
    http::router routes;
    net::io_context io;
    std::uint64_t requests = 0;

    world()
    {
        spdlog::set_level(spdlog::level::off);
        char tmpl[] = "/tmp/linkledger-fuzz-XXXXXX";
        dir = ::mkdtemp(tmpl);
        // Small segments, removed as the fuzzer goes: an hour's run must not fill the disk.
        journal = std::make_unique<clicks::click_journal>(dir / "journal", 1u << 20);
        table.put("lea-bio", {1, "https://shop.example/p?subid={click_id}&x=%7Bclick_id%7D#top", true, false});
        table.put("old", {2, "https://shop.example/old", false, false});
        table.put("gone", {3, "https://shop.example/gone", true, true});
        table.put("A_b-9", {4, "http://[2001:db8::1]:8080/{click_id}/x?y=1", true, false});
        routes.set_authenticator(authenticate);
        routes.set_failure_mapper(db::http_error_of); // as main does: an unreachable database is a 503
        // Like web/page_headers, it looks at X-Forwarded-Proto: the quick road's kept pages must
        // follow it.
        routes.set_response_hook([](http::request const& req, http::response& res) {
            res.set("X-Content-Type-Options", "nosniff");
            if (req["X-Forwarded-Proto"] == "https")
                res.set(http::bhttp::field::strict_transport_security, "max-age=63072000");
        });
        http::add_health_routes(routes, [this] { return database.reachable(); },
                                [] { return boost::json::object{{"backlog", 0}}; });
        money::add_postback_routes(routes, database, money::attribution_settings{});
        http::route_options const api{.requires_api_key = true};
        routes.add(http::verb::post, "/api/v1/links", validate_link, api);
        routes.add(http::verb::get, "/api/v1/links", validate_link, api);
        routes.add(http::verb::get, "/api/v1/links/{id}", validate_link, api);
        routes.add(http::verb::patch, "/api/v1/links/{id}", validate_link, api);
        routes.add(http::verb::delete_, "/api/v1/links/{id}", validate_link, api);
        routes.add(http::verb::post, "/api/v1/conversions/import", validate_link,
                   {.requires_api_key = true, .max_body_bytes = 8u << 20});
        routes.add(http::verb::get, "/@{handle}", [](http::request_context& ctx) -> net::awaitable<http::response> {
            co_return http::message_page(http::status::ok, ctx.path_param("handle"), "bio");
        });
        redirects = std::make_unique<links::redirect_handler>(table, *journal, classifier, geo);
        redirects->add_routes(routes); // last, as in main: the catch-all never shadows a route
    }
    ~world()
    {
        database.stop();
        journal.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

// The listener's reading of a request, header first: the same header limit, the body limit of
// the route the header names, 431 and 413 for what is too large, and nothing for the rest.
struct read_result {
    std::optional<http::request> req;
    std::optional<http::status> early;
};

read_result read_request(http::router const& routes, std::string_view bytes)
{
    http::bhttp::request_parser<http::bhttp::string_body> parser;
    parser.header_limit(http::k_max_header_bytes);
    parser.body_limit(routes.largest_body_limit());
    parser.eager(false);
    boost::system::error_code ec;
    bool limited = false;
    while (!parser.is_done()) {
        if (bytes.empty()) {
            if (!parser.got_some())
                return {}; // connected and closed: nothing to answer
            parser.put_eof(ec); // the client stopped sending
            break;
        }
        auto const used = parser.put(net::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(used);
        if (ec == http::bhttp::error::need_more) {
            ec = {};
            if (used == 0) { // more than the client sent is needed
                parser.put_eof(ec);
                break;
            }
            continue;
        }
        if (ec)
            break;
        if (parser.is_header_done() && !limited) {
            limited = true;
            parser.eager(true);
            if (parser.content_length().value_or(0) > 0 || parser.chunked()) {
                auto const limit = routes.body_limit(parser.get().method(), parser.get().target());
                if (auto const length = parser.content_length(); length && *length > limit)
                    return {std::nullopt, http::status::payload_too_large};
                parser.body_limit(limit);
            }
        } else if (used == 0) {
            break; // no progress: never loop for ever
        }
    }
    if (ec == http::bhttp::error::header_limit)
        return {std::nullopt, http::status::request_header_fields_too_large};
    if (ec == http::bhttp::error::body_limit)
        return {std::nullopt, http::status::payload_too_large};
    if (ec || !parser.is_done())
        return {};
    return {parser.release(), std::nullopt};
}

void expect_well_formed(http::response& res)
{
    expect(res.result() != http::status::internal_server_error, "no request ends in a 500");
    auto const code = res.result_int();
    expect(code >= 200 && code < 600, "a real status code");
    for (auto const& field : res) {
        auto const value = field.value();
        expect(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos,
               "no header value can split the response");
    }
    if (res.result() == http::status::found)
        expect(!res[http::bhttp::field::location].empty(), "a redirect says where");
    // A client's mistake is a JSON error naming its code (a 503 may be /readyz's own status body).
    if (code >= 400 && code < 500 && res[http::bhttp::field::content_type].starts_with("application/json")) {
        boost::system::error_code ec;
        auto const body = boost::json::parse(res.body(), ec);
        expect(!ec && body.is_object() && body.as_object().contains("error"), "a JSON error has an error object");
        auto const& error = body.as_object().at("error");
        expect(error.is_object() && error.as_object().contains("code") && error.at("code").is_string(),
               "a JSON error names its code");
    }
    res.prepare_payload();
    std::ostringstream wire;
    wire << res; // Beast's serializer must accept whatever a handler built
    expect(!wire.str().empty(), "the response serializes");
}

// The listener's quick road (http/request_head) reads only heads that Beast's parser, with the
// listener's limits, reads the same way: a whole request without a body, the same method,
// target, version, keep-alive and the header values the redirect uses. And a request it takes to
// the redirect's quick handler gets a 302 there only when the full road would give one too.
void expect_quick_road_agrees(world& w, std::string_view bytes)
{
    auto const head = http::read_plain_head(bytes);
    if (!head)
        return;
    expect(head->bytes <= bytes.size(), "the head is within the bytes");
    http::bhttp::request_parser<http::bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(http::k_max_target_bytes + http::k_max_header_bytes + 64));
    parser.eager(true);
    boost::system::error_code ec;
    auto const used = parser.put(net::buffer(bytes.data(), head->bytes), ec);
    expect(!ec && used == head->bytes && parser.is_done(), "Beast reads the same head as a whole request");
    auto const& req = parser.get();
    expect(req.method() == head->method, "the same method");
    expect(std::string_view(req.target().data(), req.target().size()) == head->target, "the same target");
    expect(req.version() == head->version, "the same version");
    expect(req.keep_alive() == head->keep_alive, "the same keep-alive");
    expect(req.body().empty() && !parser.content_length() && !parser.chunked(), "no body");
    expect(!http::host_problem(req), "no request the full road refuses for its Host fields");
    auto const value = [&req](http::bhttp::field f) {
        auto const v = req[f];
        return std::string_view(v.data(), v.size());
    };
    expect(value(http::bhttp::field::user_agent) == head->user_agent, "the same User-Agent");
    expect(value(http::bhttp::field::referer) == head->referer, "the same Referer");
    expect(value(http::bhttp::field::accept_language) == head->accept_language, "the same Accept-Language");
    std::size_t forwarded = 0;
    auto const [first, last] = req.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it, ++forwarded)
        expect(forwarded < head->forwarded_count &&
                   std::string_view(it->value().data(), it->value().size()) == head->forwarded_for[forwarded],
               "the same X-Forwarded-For lines in order");
    expect(forwarded == head->forwarded_count, "as many X-Forwarded-For lines");
    auto const proto = req["X-Forwarded-Proto"];
    expect(std::string_view(proto.data(), proto.size()) == head->forwarded_proto, "the same X-Forwarded-Proto");

    auto const target = boost::urls::parse_origin_form(head->target);
    if (!target)
        return;
    auto const hit = w.routes.find_quick(head->method, *target);
    if (!hit)
        return;
    std::string const client = "203.0.113.7";
    std::string wire;
    http::quick_request const visit{head->method,     *target,       hit->capture,           head->user_agent,
                                    head->referer,    head->accept_language, client, head->forwarded_proto};
    auto const status = w.routes.answer_quickly(*hit, visit, head->version, head->keep_alive, wire);
    expect(status == 0 ? wire.empty() : wire.starts_with("HTTP/1."), "an answer, or nothing");
    if (status == 0)
        return;
    auto full = w.routes.handle_now(req, client);
    expect(full && full->result_int() == status, "the full road gives the same status");
    if (status == 302) {
        expect(wire.find("\r\n\r\n") == wire.size() - 4, "one head, no body, no split header");
        return;
    }
    // A fixed page (404, 410): byte for byte what the full road writes, the hook's headers included.
    http::finish_for_wire(*full, req.version(), req.method() == http::verb::head, head->keep_alive);
    std::string full_wire;
    http::append_wire_bytes(full_wire, *full);
    expect(wire == full_wire, "a quick page is the full road's bytes");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    static world w;
    expect_quick_road_agrees(w, std::string_view(reinterpret_cast<char const*>(data), size));
    auto read = read_request(w.routes, std::string_view(reinterpret_cast<char const*>(data), size));
    if (read.early) {
        http::response res{*read.early, 11};
        expect_well_formed(res);
        return 0;
    }
    if (!read.req)
        return 0; // not HTTP: the listener closes the connection without an answer

    auto const& req = *read.req;
    std::string const client = "203.0.113.7";
    std::optional<http::response> answer = w.routes.handle_now(req, client);
    if (!answer) {
        net::co_spawn(w.io, w.routes.handle(req, client), [&](std::exception_ptr failure, http::response res) {
            expect(!failure, "router::handle never throws");
            answer = std::move(res);
        });
        w.io.run();
        w.io.restart();
    }
    expect(answer.has_value(), "every request is answered");
    expect_well_formed(*answer);
    if (w.journal->has_staged())
        w.journal->flush_staged();
    if (++w.requests % 4096 == 0)
        w.journal->remove_segments_before(w.journal->current_segment());
    return 0;
}
