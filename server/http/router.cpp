#include "http/router.hpp"

#include "http/authorization.hpp"
#include "http/cookies.hpp"
#include "http/http_error.hpp"
#include "http/response.hpp"
#include "http/wire_format.hpp"
#include "logging/logging.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>

namespace linkledger::http {
namespace {

std::vector<std::string> split_pattern(std::string const& pattern)
{
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= pattern.size()) {
        auto const end = pattern.find('/', start);
        out.push_back(pattern.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

// A pattern segment "{name}" captures a whole path segment; "@{name}" captures what follows
// a literal prefix (the bio page's "/@handle"), and only when something follows it. Segments
// are compared decoded but not copied: only a matched route's captures become strings.
std::size_t capture_at(std::string const& pattern)
{
    auto const open = pattern.find('{');
    if (open == std::string::npos || pattern.back() != '}' || pattern.size() - open <= 2)
        return std::string::npos;
    return open;
}

bool segment_matches(std::string const& pattern, boost::urls::pct_string_view segment)
{
    auto const decoded = *segment;
    auto const open = capture_at(pattern);
    if (open == std::string::npos)
        return decoded == std::string_view(pattern);
    if (decoded.size() <= open)
        return false;
    auto it = decoded.begin();
    for (std::size_t i = 0; i < open; ++i, ++it)
        if (*it != pattern[i])
            return false;
    return true;
}

void capture(std::string const& pattern, boost::urls::pct_string_view segment,
             std::map<std::string, std::string>& params)
{
    auto const open = capture_at(pattern);
    if (open == std::string::npos)
        return;
    auto const decoded = *segment;
    std::string value(decoded.begin(), decoded.end());
    params[pattern.substr(open + 1, pattern.size() - open - 2)] = value.substr(open);
}

} // namespace

std::optional<std::string> request_context::query(std::string_view name) const
{
    auto const params = target.params();
    auto const it = params.find(name);
    if (it == params.end())
        return std::nullopt;
    return std::string((*it).value);
}

void router::add(verb method, std::string pattern, handler h, route_options options)
{
    auto segments = split_pattern(pattern);
    largest_body_limit_ = std::max(largest_body_limit_, options.max_body_bytes);
    routes_.push_back({method, std::move(pattern), std::move(segments), std::move(h), {}, options, {}});
}

void router::add_now(verb method, std::string pattern, immediate_handler h, quick_handler quick)
{
    auto segments = split_pattern(pattern);
    has_quick_ = has_quick_ || static_cast<bool>(quick);
    routes_.push_back({method, std::move(pattern), std::move(segments), {}, std::move(h), {}, std::move(quick)});
}

router::located router::locate(verb method, boost::urls::url_view target) const
{
    // Every request is matched at least once (redirects included): no copy of the path here.
    located result;
    auto& segments = result.segments;
    auto& count = result.count;
    for (auto const segment : target.encoded_segments()) {
        if (count == located::k_max_segments)
            return {};
        segments[count++] = segment;
    }
    if (count == 0)
        segments[count++] = {}; // "/" is one empty segment, like the pattern "/"

    for (auto const& r : routes_) {
        if (r.segments.size() != count)
            continue;
        bool ok = true;
        for (std::size_t i = 0; ok && i < count; ++i)
            ok = segment_matches(r.segments[i], segments[i]);
        if (!ok)
            continue;
        // HEAD is answered by the first route whose path matches, GET or HEAD, as GET is; a route
        // naming HEAD itself takes over only from the GET route of its own pattern. (A HEAD
        // /{slug} taking /healthz, /login or /@handle answered uptime checks 404.)
        if (r.method == method || (method == verb::head && r.method == verb::get)) {
            if (!result.found) {
                result.found = &r;
                if (r.method == method)
                    break;
            } else if (r.method == method && r.pattern == result.found->pattern) {
                result.found = &r;
                break;
            }
            continue;
        }
        result.path_matched = true;
    }
    return result;
}

router::match router::find(verb method, boost::urls::url_view target) const
{
    auto const at = locate(method, target);
    match result{at.found, at.path_matched, {}};
    if (result.found)
        for (std::size_t i = 0; i < at.count; ++i)
            capture(result.found->segments[i], at.segments[i], result.params);
    return result;
}

std::optional<router::quick_hit> router::find_quick(verb method, boost::urls::url_view target) const
{
    auto const at = locate(method, target);
    if (!at.found || !at.found->quick)
        return std::nullopt;
    quick_hit hit{&at.found->quick, static_cast<std::size_t>(at.found - routes_.data()), {}};
    for (std::size_t i = 0; i < at.count; ++i) {
        auto const open = capture_at(at.found->segments[i]);
        if (open == std::string::npos)
            continue;
        auto const segment = std::string_view(at.segments[i].data(), at.segments[i].size());
        if (segment.find('%') != std::string_view::npos)
            return std::nullopt; // the full road decodes it
        hit.capture = segment.substr(open);
    }
    return hit;
}

unsigned router::answer_quickly(quick_hit const& hit, quick_request const& req, unsigned version, bool keep_alive,
                               std::string& out) const
{
    auto const result = (*hit.answer)(req, version, keep_alive, out);
    if (!result.page)
        return result.status;
    std::string scratch;
    out += finished_quick_page(*result.page, req, version, keep_alive, scratch);
    return result.page->result_int();
}

std::string const& router::finished_quick_page(response const& page, quick_request const& req, unsigned version,
                                               bool keep_alive, std::string& scratch) const
{
    auto const same = [&](finished_page const& f) {
        return f.page == &page && f.method == req.method && f.version == version && f.keep_alive == keep_alive &&
               f.proto == req.forwarded_proto;
    };
    for (auto const& slot : finished_pages_) {
        auto const* f = slot.load(std::memory_order_acquire);
        if (!f)
            break;
        if (same(*f))
            return f->bytes;
    }
    // As handle_now() and the listener's full road finish and write it.
    request fake{req.method, std::string_view(req.target.buffer()), version};
    if (!req.forwarded_proto.empty())
        fake.set("X-Forwarded-Proto", req.forwarded_proto);
    response res = page;
    if (response_hook_)
        response_hook_(fake, res);
    finish_for_wire(res, version, req.method == verb::head, keep_alive);
    auto made = std::make_unique<finished_page>(
        finished_page{&page, req.method, version, keep_alive, std::string(req.forwarded_proto), {}});
    append_wire_bytes(made->bytes, res);

    std::lock_guard lock(finished_pages_mutex_);
    for (auto& slot : finished_pages_) {
        auto const* f = slot.load(std::memory_order_acquire);
        if (f && same(*f))
            return f->bytes;
        if (!f) {
            slot.store(made.get(), std::memory_order_release);
            finished_pages_owned_.push_back(std::move(made));
            return finished_pages_owned_.back()->bytes;
        }
    }
    // Every slot taken (proxies sending many spellings of X-Forwarded-Proto): not kept.
    scratch = std::move(made->bytes);
    return scratch;
}

std::size_t router::body_limit(verb method, std::string_view target) const
{
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed)
        return route_options{}.max_body_bytes;
    auto const m = find(method, *parsed);
    return m.found ? m.found->options.max_body_bytes : route_options{}.max_body_bytes;
}

std::size_t router::largest_body_limit() const
{
    return largest_body_limit_; // asked for every request: kept as routes are added
}

net::awaitable<void> router::authenticate(request_context& ctx) const
{
    auto const header = ctx.req[bhttp::field::authorization];
    credentials presented;
    if (auto const token = bearer_token(header))
        presented.bearer_token = std::string(*token);
    else if (auto const session = cookie(ctx.req, k_session_cookie))
        presented.session_id = *session;
    // Already known when check_header() looked the credentials up before the body was read.
    if (!ctx.who && authenticator_ && (!presented.bearer_token.empty() || !presented.session_id.empty()))
        ctx.who = co_await authenticator_(presented);
    if (!ctx.who) {
        if (presented.session_id.empty() || !presented.bearer_token.empty())
            throw http_error(status::unauthorized, "unauthorized",
                             header.empty() ? "an API key is required: Authorization: Bearer <key>"
                                            : "the API key is invalid or revoked",
                             "Authorization");
        throw http_error(status::unauthorized, "unauthorized",
                         "the session has expired or was revoked; log in again", "Cookie");
    }
    if (ctx.who->kind == principal::via::api_key)
        ctx.api_key_id = ctx.who->id;
    if (access_policy_)
        access_policy_(ctx.req, *ctx.who);
    else if (ctx.req.method() != verb::get && ctx.req.method() != verb::head)
        throw http_error(status::forbidden, "forbidden", "changes are not allowed on this server");
}

std::string router::allowed_methods(boost::urls::url_view target) const
{
    std::vector<std::string_view> methods;
    auto const note = [&](verb v) {
        auto const name = bhttp::to_string(v);
        if (std::find(methods.begin(), methods.end(), std::string_view(name)) == methods.end())
            methods.emplace_back(name);
    };
    for (auto const v : {verb::get, verb::head, verb::post, verb::put, verb::patch, verb::delete_})
        if (auto const at = locate(v, target); at.found)
            note(at.found->method == verb::get && v == verb::head ? verb::head : at.found->method);
    std::string allow;
    for (auto const m : methods)
        allow.append(allow.empty() ? "" : ", ").append(m);
    return allow;
}

void router::throw_unmatched(request const& req, boost::urls::url_view target, bool path_matched) const
{
    if (path_matched) {
        http_error refusal(status::method_not_allowed, "method_not_allowed",
                           "method " + std::string(req.method_string()) + " is not allowed here");
        refusal.allow = allowed_methods(target);
        throw refusal;
    }
    throw http_error(status::not_found, "not_found", "no such endpoint");
}

net::awaitable<response> router::dispatch(request_context& ctx, match const& m) const
{
    if (!m.found)
        throw_unmatched(ctx.req, ctx.target, m.path_matched);
    if (m.found->options.requires_api_key)
        co_await authenticate(ctx);
    if (m.found->now)
        co_return m.found->now(ctx);
    co_return co_await m.found->h(ctx);
}

namespace {

// PostgreSQL's DETAIL line quotes the row or key at fault ("Failing row contains (...)"),
// which may hold an offer's webhook secret or a user's email: only the first line is logged.
std::string_view first_line(char const* message)
{
    std::string_view text(message);
    return text.substr(0, text.find('\n'));
}

} // namespace

// The one place where an exception from a handler becomes a response.
response router::failure_response(request const& req, std::exception_ptr failure) const
{
    try {
        std::rethrow_exception(failure);
    } catch (http_error const& e) {
        return error_response(e);
    } catch (std::exception const& e) {
        if (failure_mapper_) {
            if (auto mapped = failure_mapper_(req, e))
                return error_response(*mapped);
        }
        logging::error("internal error serving {method}: {error}",
                       {{"method", std::string_view(req.method_string().data(), req.method_string().size())},
                        {"error", first_line(e.what())}});
    }
    return error_response(http_error(status::internal_server_error, "internal_error",
                                     "an internal error occurred; it has been logged"));
}

namespace {

boost::urls::url_view parse_target(request const& req)
{
    auto parsed = boost::urls::parse_origin_form(req.target());
    if (!parsed)
        throw http_error(status::bad_request, "bad_request_target",
                         "the request target is not a valid path", "target");
    return *parsed;
}

} // namespace

std::vector<router::route_label> router::route_labels() const
{
    std::vector<route_label> labels;
    for (auto const& r : routes_)
        labels.push_back({std::string(bhttp::to_string(r.method)), r.pattern});
    return labels;
}

std::optional<response> router::handle_now(request const& req, std::string const& remote_ip,
                                           std::size_t* matched) const
{
    try {
        auto const target = parse_target(req);
        auto m = find(req.method(), target);
        if (!m.found || !m.found->now)
            return std::nullopt;
        if (matched)
            *matched = static_cast<std::size_t>(m.found - routes_.data());
        request_context ctx{req, target, std::move(m.params), remote_ip, std::nullopt, std::nullopt, m.found->pattern};
        auto res = m.found->now(ctx);
        // The redirect's 302 is the hot path and carries its own two short headers; its
        // 404 and 410 pages are pages like any other.
        if (response_hook_ && res.result() != status::found)
            response_hook_(req, res);
        return res;
    } catch (...) {
        auto res = failure_response(req, std::current_exception());
        if (response_hook_)
            response_hook_(req, res);
        return res;
    }
}

net::awaitable<router::header_verdict> router::check_header(request const& header,
                                                            std::string const& remote_ip) const
{
    header_verdict verdict;
    verdict.route = unmatched();
    verdict.body_limit = route_options{}.max_body_bytes;
    std::exception_ptr failure;
    try {
        auto const target = parse_target(header);
        auto m = find(header.method(), target);
        if (!m.found)
            throw_unmatched(header, target, m.path_matched);
        verdict.route = static_cast<std::size_t>(m.found - routes_.data());
        verdict.body_limit = m.found->options.max_body_bytes;
        if (m.found->options.requires_api_key) {
            request_context ctx{header, target, std::move(m.params), remote_ip, std::nullopt, std::nullopt, m.found->pattern};
            co_await authenticate(ctx);
            verdict.who = std::move(ctx.who);
        }
        co_return verdict;
    } catch (...) {
        failure = std::current_exception();
    }
    auto res = failure_response(header, failure);
    if (response_hook_)
        response_hook_(header, res);
    verdict.refusal = std::move(res);
    co_return verdict;
}

net::awaitable<response> router::handle(request const& req, std::string const& remote_ip,
                                        std::size_t* matched, principal const* known) const
{
    std::exception_ptr failure;
    if (matched)
        *matched = unmatched();
    try {
        auto const target = parse_target(req);
        request_context ctx{req, target, {}, remote_ip, std::nullopt, std::nullopt, {}};
        if (known)
            ctx.who = *known;
        auto const m = find(req.method(), target);
        ctx.path_params = m.params;
        if (m.found)
            ctx.route_pattern = m.found->pattern;
        if (matched && m.found)
            *matched = static_cast<std::size_t>(m.found - routes_.data());
        auto res = co_await dispatch(ctx, m);
        if (response_hook_)
            response_hook_(req, res);
        co_return res;
    } catch (...) {
        failure = std::current_exception();
    }
    auto res = failure_response(req, failure);
    if (response_hook_)
        response_hook_(req, res);
    co_return res;
}

} // namespace linkledger::http
