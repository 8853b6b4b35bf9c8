// Maps method + path patterns ("/api/v1/links/{id}") to handlers, authenticates API routes,
// and is the one place where errors thrown by handlers become HTTP responses.
#pragma once

#include "http/http_error.hpp"
#include "http/types.hpp"

#include <array>
#include <boost/url/url_view.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace linkledger::http {

// Who is calling an authenticated route: an API key (full access) or a dashboard session.
struct principal {
    enum class via { api_key, session };
    via kind = via::api_key;
    std::int64_t id = 0;     // the API key's id, or the user's
    bool can_change = false; // API keys and owners; viewers only read
    std::string email;       // sessions only
    std::string role;        // sessions only: owner or viewer
    std::string csrf_token;  // sessions only: expected in X-CSRF-Token on every change
};

// What a request presents: a bearer token, a session cookie, or neither.
struct credentials {
    std::string bearer_token;
    std::string session_id;
};

struct request_context {
    request const& req;
    boost::urls::url_view target;           // the parsed request-target (origin form)
    std::map<std::string, std::string> path_params;
    std::string remote_ip;
    std::optional<std::int64_t> api_key_id; // set when an API key authenticated the request
    std::optional<principal> who;           // set on routes that require authentication
    std::string_view route_pattern;         // the matched route's pattern, e.g. "/api/v1/links/{id}"

    std::string const& path_param(std::string const& name) const { return path_params.at(name); }
    // The first value of a query parameter, decoded, or nothing.
    std::optional<std::string> query(std::string_view name) const;
};

using handler = std::function<net::awaitable<response>(request_context&)>;
// What a quick route is handed (issue 18): a plain GET or HEAD read in place by the listener
// (http/request_head), as views into the connection's buffer, valid during the call.
struct quick_request {
    verb method;
    boost::urls::url_view target;
    std::string_view capture; // the route's one "{name}" segment, never percent-encoded
    std::string_view user_agent;
    std::string_view referer;
    std::string_view accept_language;
    std::string_view remote_ip;
    std::string_view forwarded_proto; // from a trusted proxy only; empty otherwise
};
// A quick route's answer: `status` 0 when it declines (having done and appended nothing: the
// request needs the full road); a 302 whose bytes it appended to `out` itself; or one of its
// pages that are the same for every request (the unknown link's 404), which the router
// finishes like the full road's and keeps, so a page is written without being built.
struct quick_result {
    unsigned status = 0;
    response const* page = nullptr; // lives as long as the route
};
using quick_handler =
    std::function<quick_result(quick_request const&, unsigned version, bool keep_alive, std::string& out)>;
// A handler that never waits (the redirect): called without any coroutine frame.
using immediate_handler = std::function<response(request_context&)>;
// Resolves credentials to a principal (or nothing), off the I/O thread. A bearer token, when
// present, is the only credential looked at.
using authenticator =
    std::function<net::awaitable<std::optional<principal>>(credentials const& presented)>;

inline constexpr std::string_view k_session_cookie = "ll_session";

// Whether `who` may make this request (roles, CSRF): returns when allowed, throws an http_error
// when not. Registered from above (auth/access_policy); without one, an authenticated caller
// may read (GET, HEAD) and nothing more.
using access_policy = std::function<void(request const& req, principal const& who)>;

// What a handler's exception that is not an http_error means to the client, where a higher floor
// knows better than "500" (the database's: unreachable is 503; db/sql_errors registers it).
// Nothing: a 500, logged.
using failure_mapper = std::function<std::optional<http_error>(request const&, std::exception const&)>;

// Finishes every response but the redirect's 302 (the hot path stays as it is): where the
// security headers of browser-facing pages are added (web/page_headers). For a quick route's
// page, what it adds may depend on the method, the version and X-Forwarded-Proto only: the
// finished page is kept and written again for every request that has those three.
using response_hook = std::function<void(request const&, response&)>;

struct route_options {
    // An API key, or a session cookie (with X-CSRF-Token on anything but GET and HEAD).
    // Viewers' sessions are refused every method but GET and HEAD.
    bool requires_api_key = false;
    std::size_t max_body_bytes = 64 * 1024;
};

// Header fields, after the request line (431 past it).
inline constexpr std::size_t k_max_header_bytes = 8 * 1024;
// The request-target of the request line (414 past it).
inline constexpr std::size_t k_max_target_bytes = 8 * 1024;
// Header fields in one request (431 past it); browsers send about 20.
inline constexpr std::size_t k_max_header_fields = 100;

class router {
public:
    void add(verb method, std::string pattern, handler h, route_options options = {});
    // For public routes that answer without waiting; they take no body and no API key.
    // `quick`, when given, may answer a plain request from its head alone (see quick_request).
    void add_now(verb method, std::string pattern, immediate_handler h, quick_handler quick = {});
    void set_authenticator(authenticator a) { authenticator_ = std::move(a); }
    void set_access_policy(access_policy p) { access_policy_ = std::move(p); }
    void set_response_hook(response_hook h) { response_hook_ = std::move(h); }
    void set_failure_mapper(failure_mapper m) { failure_mapper_ = std::move(m); }

    // The body size allowed for a request, known from its header alone.
    std::size_t body_limit(verb method, std::string_view target) const;
    std::size_t largest_body_limit() const;

    // What can be decided from a request's header alone, before its body is read: whether the
    // route exists and takes the method (404, 405), and, on authenticated routes, whether the
    // credentials are good (401, 403: the API key or session is looked up here). A request that
    // fails gets `refusal` (finished like any response) and its body is never read.
    struct header_verdict {
        std::optional<response> refusal;
        std::size_t body_limit = 0;
        std::optional<principal> who; // authenticated routes: hand it to handle()
        std::size_t route = 0;        // as handle()'s `matched`
    };
    // Never throws: every failure becomes a refusal.
    net::awaitable<header_verdict> check_header(request const& header, std::string const& remote_ip) const;

    // The response of an immediate route, or nothing when the request needs handle().
    // Never throws: every failure becomes a response. `matched`, when given, receives the
    // index of the route that answered (unmatched() for none), for per-route metrics.
    std::optional<response> handle_now(request const& req, std::string const& remote_ip,
                                       std::size_t* matched = nullptr) const;
    // Never throws: every failure becomes a response. `known`: who check_header() found for this
    // request (its credentials are then not looked up again).
    net::awaitable<response> handle(request const& req, std::string const& remote_ip,
                                    std::size_t* matched = nullptr, principal const* known = nullptr) const;

    // The routes as registered, by index: what metrics label requests with. No path ever
    // becomes a label, only patterns, so the label set stays small and fixed.
    struct route_label {
        std::string method;
        std::string pattern;
    };
    std::vector<route_label> route_labels() const;

    // The quick route a request goes to, if it goes to one (no copy, no allocation): its
    // handler, its index (as handle_now's `matched`) and its capture. Nothing when the route
    // has no quick handler or the captured segment is percent-encoded.
    struct quick_hit {
        quick_handler const* answer = nullptr;
        std::size_t route = 0;
        std::string_view capture;
    };
    std::optional<quick_hit> find_quick(verb method, boost::urls::url_view target) const;
    // The hit's handler's answer appended to `out` (a page finished as handle_now would, then
    // as the listener writes it); its status, or 0 when the full road must answer.
    unsigned answer_quickly(quick_hit const& hit, quick_request const& req, unsigned version, bool keep_alive,
                            std::string& out) const;
    bool has_quick_routes() const { return has_quick_; }
    std::size_t unmatched() const { return routes_.size(); }

private:
    struct route {
        verb method;
        std::string pattern;
        std::vector<std::string> segments; // "{name}" segments capture
        handler h;
        immediate_handler now;
        route_options options;
        quick_handler quick;
    };
    struct match {
        route const* found = nullptr;
        bool path_matched = false; // some route had this path, with another method
        std::map<std::string, std::string> params;
    };
    // The route a request goes to, and the path's segments (views into the target).
    struct located {
        static constexpr std::size_t k_max_segments = 16; // more than any route has
        route const* found = nullptr;
        bool path_matched = false;
        std::array<boost::urls::pct_string_view, k_max_segments> segments;
        std::size_t count = 0;
    };
    located locate(verb method, boost::urls::url_view target) const;
    match find(verb method, boost::urls::url_view target) const;
    // For a 405: the methods some route answers at this path ("GET, HEAD, POST").
    std::string allowed_methods(boost::urls::url_view target) const;
    [[noreturn]] void throw_unmatched(request const& req, boost::urls::url_view target, bool path_matched) const;
    net::awaitable<response> dispatch(request_context& ctx, match const& m) const;
    net::awaitable<void> authenticate(request_context& ctx) const;

    std::vector<route> routes_;
    bool has_quick_ = false;
    std::size_t largest_body_limit_ = route_options{}.max_body_bytes;

    response failure_response(request const& req, std::exception_ptr failure) const;

    // Quick pages as written (issue 18), by what the hook may look at. Added, never removed:
    // readers look without a lock; past the last slot a page is finished for each request.
    struct finished_page {
        response const* page;
        verb method;
        unsigned version;
        bool keep_alive;
        std::string proto;
        std::string bytes;
    };
    std::string const& finished_quick_page(response const& page, quick_request const& req, unsigned version,
                                           bool keep_alive, std::string& scratch) const;
    static constexpr std::size_t k_finished_page_slots = 32;
    mutable std::array<std::atomic<finished_page const*>, k_finished_page_slots> finished_pages_{};
    mutable std::mutex finished_pages_mutex_;
    mutable std::vector<std::unique_ptr<finished_page>> finished_pages_owned_;

    authenticator authenticator_;
    access_policy access_policy_;
    failure_mapper failure_mapper_;
    response_hook response_hook_;
};

} // namespace linkledger::http
