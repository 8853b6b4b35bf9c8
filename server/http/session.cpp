#include "http/session.hpp"

#include "http/early_answers.hpp"
#include "http/lent_answer_bytes.hpp"
#include "http/request_head.hpp"
#include "http/request_log.hpp"
#include "http/target_repair.hpp"
#include "http/wire_format.hpp"
#include "logging/logging.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <cerrno>

#include <sys/socket.h>

namespace linkledger::http {
namespace {

constexpr auto k_use = net::as_tuple(net::use_awaitable);
// The first read of a request, and what an idle connection keeps: a redirect's whole head
// (a phone browser's is 300 to 900 bytes) fits in it; a larger one is read on by the full road.
constexpr std::size_t k_first_read_bytes = 1024;

std::string log_path(std::string_view target)
{
    // The query string may carry secrets (postback tokens) and personal data: never logged.
    auto const path = target.substr(0, target.find('?'));
    return std::string(path.substr(0, 256));
}

std::string client_ip(trusted_proxies const& proxies, net::ip::address const& peer, request const& req)
{
    std::vector<std::string_view> forwarded;
    auto const [first, last] = req.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it)
        forwarded.emplace_back(it->value().data(), it->value().size());
    return proxies.client_address(peer, forwarded).to_string();
}

// The client waits for our word before sending its body (RFC 9110, 10.1.1): given once the
// header has passed every check, so a refused upload is never sent at all.
bool expects_continue(request const& header)
{
    return header.version() >= 11 && beast::iequals(header[bhttp::field::expect], "100-continue");
}

// Beast's parse errors, apart from a stream that ended or was cut mid-request.
bool is_malformed(boost::system::error_code const& ec)
{
    static auto const& parse_errors = bhttp::make_error_code(bhttp::error::bad_method).category();
    return ec.category() == parse_errors && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
           ec != bhttp::error::need_more && ec != bhttp::error::need_buffer;
}

} // namespace

listener::session::session(listener& owner, std::shared_ptr<connection> conn)
    : owner_(owner), owner_alive_(owner.alive_), conn_(std::move(conn))
{
    boost::system::error_code ec;
    if (auto const endpoint = conn_->stream.socket().remote_endpoint(ec); !ec) {
        peer_ = endpoint.address();
        remote_ip_ = unmapped(peer_).to_string();
        behind_proxy_ = owner_.options_.proxies.trusts(peer_);
    }
}

listener::session::~session()
{
    if (*owner_alive_)
        owner_.forget(conn_->id);
}

net::awaitable<void> listener::session::run()
{
    bool const quick_routes = owner_.routes_.has_quick_routes();
    // The idle deadline is set once per wait, when the connection is new or has answered a
    // request: blank lines do not buy a client more time, the deadline set before them stands.
    // (An answer written at once sets no deadline of its own, so blank lines right after it
    // still get a fresh one.)
    bool wait_prepared = false;
    for (;;) {
        // Waiting for a request to begin, in this frame rather than a step's own: every idle
        // connection waits here, and each frame it holds is memory (issue 18).
        if (buffer_.size() == 0) {
            if (!wait_prepared)
                prepare_to_wait();
            wait_prepared = true;
            auto [ec, n] = co_await conn_->stream.async_read_some(buffer_.prepare(k_first_read_bytes), k_use);
            if (ec)
                break;
            buffer_.commit(n);
        }
        // RFC 9112 2.2: empty lines before a request line are ignored (some clients send one
        // after a POST's body); answered 400, the client could take it for its next answer.
        if (skip_blank_lines() && buffer_.size() == 0)
            continue;
        wait_prepared = false; // a request begins
        // The quick road's answer is written from this frame too: no frame of its own to make
        // for each redirect.
        if (auto const quick = quick_routes ? answer_quickly() : std::nullopt) {
            conn_->busy = true;
            if (barrier_pending()) {
                co_await net::post(conn_->stream.get_executor(), net::use_awaitable);
                flush_barrier();
            }
            boost::system::error_code ec;
            if (auto const written = write_at_once(ec); !ec && written < wire_.size())
                ec = co_await write_rest(written);
            return_answer_bytes(std::exchange(wire_, {}));
            record(quick->route, quick->status, quick->method, quick->path, quick->started);
            conn_->busy = false;
            // A shutdown that began meanwhile closes the connection after this answer, which
            // promised to keep it: a client retries a GET on a connection closed between requests.
            if (ec || !quick->keep_alive || conn_->closing)
                break;
            continue;
        }
        if (!co_await answer_fully())
            break;
    }
    boost::system::error_code ec;
    conn_->stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    if (refused_)
        co_await drain_refused();
    conn_->stream.socket().close(ec);
}

net::awaitable<bool> listener::session::answer_fully()
{
    // Its own frame, made for this request only: a connection waiting for its next request
    // does not hold an exchange (issue 18: memory at many idle connections).
    exchange x;
    x.route = owner_.routes_.unmatched();
    if (!co_await read_header(x))
        co_return false;
    co_await admit(x);
    if (!co_await judge_before_body(x) || !co_await read_body(x))
        co_return false;
    co_await answer(x);
    bool const sent = co_await send(x);
    record(x.route, x.res.result_int(), x.method, x.path, x.started);
    conn_->busy = false;
    co_return sent && x.keep_alive && !conn_->closing;
}

bool listener::session::skip_blank_lines()
{
    auto const bytes = buffer_.data();
    auto const* first = static_cast<char const*>(bytes.data());
    std::size_t blank = 0;
    while (blank < bytes.size() && (first[blank] == '\r' || first[blank] == '\n'))
        ++blank;
    buffer_.consume(blank);
    return blank > 0;
}

void listener::session::prepare_to_wait()
{
    // A large request grew the buffer: an idle connection gives it back and keeps the usual size.
    if (buffer_.capacity() > k_first_read_bytes)
        buffer_.shrink_to_fit();
    // Until a request begins the connection is idle: a quiet client (or a kept-alive one that
    // has nothing more to ask) is dropped at the idle deadline.
    conn_->stream.expires_after(owner_.options_.idle_timeout);
}

namespace {

// A server must accept an absolute-form target (RFC 9112 3.2.2), which some clients and
// proxies send: its path and query become the target and its authority the Host.
void take_absolute_form(request& req)
{
    auto const absolute = boost::urls::parse_absolute_uri(req.target());
    if (!absolute || !absolute->has_authority() ||
        (absolute->scheme_id() != boost::urls::scheme::http && absolute->scheme_id() != boost::urls::scheme::https))
        return;
    std::string origin = absolute->encoded_path().empty() ? std::string("/") : std::string(absolute->encoded_path());
    if (absolute->has_query())
        origin.append("?").append(absolute->encoded_query());
    std::string host(absolute->encoded_host_and_port());
    req.set(bhttp::field::host, host);
    req.target(origin);
}

// Only a target RFC 3986 refuses is rewritten (percent-encoded), so routes, the redirect's
// forwarded query and the logs all see one valid target.
void repair_target(request& req)
{
    if (boost::urls::parse_origin_form(req.target()))
        return;
    take_absolute_form(req);
    if (boost::urls::parse_origin_form(req.target()))
        return;
    // Encoding can triple a target: past the limit it stays as it was, and is refused as such.
    if (auto repaired = repaired_target(req.target());
        repaired && repaired->size() <= k_max_target_bytes && boost::urls::parse_origin_form(*repaired))
        req.target(*repaired);
}

} // namespace

net::awaitable<bool> listener::session::read_header(exchange& x)
{
    x.parser.emplace();
    // Room for the longest target and the largest fields; each is checked on its own below.
    x.parser->header_limit(static_cast<std::uint32_t>(k_max_target_bytes + k_max_header_bytes + 64));
    // Beast checks Content-Length against the limit while parsing the header, before the route
    // is known: start from the largest any route allows, then narrow it before the body.
    x.parser->body_limit(owner_.routes_.largest_body_limit());
    // One deadline for the whole request, header and body: a client that trickles bytes cannot
    // hold a connection longer than this.
    conn_->stream.expires_after(owner_.options_.request_timeout);
    auto [ec, header_bytes] = co_await bhttp::async_read_header(conn_->stream, buffer_, *x.parser, k_use);
    x.started = std::chrono::steady_clock::now();
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
        x.early = oversized_header(x.parser->get(), buffer_.size());
    else if (ec == bhttp::error::body_limit)
        x.early = too_large_body();
    else if (is_malformed(ec))
        x.early = malformed_request();
    else if (ec)
        co_return false; // closed or timed out: nobody to answer
    else
        x.early = header_problem(x.parser->get(), header_bytes);
    if (!x.early)
        repair_target(x.parser->get());
    x.client = &remote_ip_;
    if (!x.early && behind_proxy_)
        x.client = &(forwarded_ip_ = client_ip(owner_.options_.proxies, peer_, x.parser->get()));
    co_return true;
}

net::awaitable<void> listener::session::admit(exchange& x)
{
    auto const& options = owner_.options_;
    if (x.early || !options.limiter)
        co_return;
    // Before the body is read and before any route (or the database) does work.
    auto const& header = x.parser->get();
    auto const limited = classify_route(header.method(), header.target());
    if (!limited)
        co_return;
    auto wait = options.limiter->admit(*limited, *x.client);
    if (wait == 0 && options.shared_admit)
        wait = co_await options.shared_admit(*limited, *x.client);
    if (wait != 0) {
        x.early = rate_limited_response(*limited, wait);
        if (options.rate_limited)
            options.rate_limited(*limited, *x.client, std::string_view(header.target().data(), header.target().size()));
    }
}

net::awaitable<bool> listener::session::judge_before_body(exchange& x)
{
    if (x.early)
        co_return true;
    conn_->busy = true;
    // Most requests (every redirect) carry no body: nothing more to check before it.
    if (x.parser->content_length().value_or(0) == 0 && !x.parser->chunked())
        co_return true;
    // Before a byte of the body is read: route, method and credentials, then size.
    auto verdict = co_await owner_.routes_.check_header(x.parser->get(), *x.client);
    x.route = verdict.route;
    auto const length = x.parser->content_length();
    if (verdict.refusal)
        x.early = std::move(verdict.refusal);
    else if (length && *length > verdict.body_limit)
        x.early = too_large_body();
    else
        x.parser->body_limit(verdict.body_limit); // a chunked body is counted as it arrives
    x.who = std::move(verdict.who);
    bool const large = length ? *length > k_large_body_bytes : verdict.body_limit > k_large_body_bytes;
    if (!x.early && large && !(x.turn = co_await owner_.wait_for_large_body_turn(*conn_, *x.client, !x.who)))
        x.early = too_many_large_bodies();
    if (!x.early && expects_continue(x.parser->get())) {
        static constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [ec, sent] =
            co_await net::async_write(conn_->stream, net::buffer(k_continue.data(), k_continue.size()), k_use);
        (void)sent;
        if (ec)
            co_return false;
    }
    if (x.early) {
        x.method = std::string(x.parser->get().method_string());
        x.path = log_path(x.parser->get().target());
    }
    co_return true;
}

net::awaitable<bool> listener::session::read_body(exchange& x)
{
    if (x.early)
        co_return true;
    auto [ec, body_bytes] = co_await bhttp::async_read(conn_->stream, buffer_, *x.parser, k_use);
    (void)body_bytes;
    if (ec == bhttp::error::body_limit)
        x.early = too_large_body();
    else if (ec == bhttp::error::buffer_overflow)
        x.early = oversized_framing();
    else if (ec)
        co_return false;
    if (x.early) {
        x.method = std::string(x.parser->get().method_string());
        x.path = log_path(x.parser->get().target());
    }
    co_return true;
}

net::awaitable<void> listener::session::answer(exchange& x)
{
    if (x.early) {
        // The rest of the request (its body) is unread: the connection cannot go on.
        x.res = std::move(*x.early);
        refused_ = true;
        x.res.keep_alive(false);
        x.res.prepare_payload();
        co_return;
    }
    auto req = x.parser->release();
    x.method = std::string(req.method_string());
    x.path = log_path(req.target());
    x.keep_alive = req.keep_alive() && !conn_->closing;
    bool const head = req.method() == verb::head;
    // Whether the client used https is told by the proxy that ended TLS; anyone else claiming
    // it would only switch on HSTS for themselves, but the rule stays simple.
    if (!behind_proxy_)
        req.erase("X-Forwarded-Proto");
    log_request_details(req, *x.client);
    auto const& routes = owner_.routes_;
    if (auto now = routes.handle_now(req, *x.client, &x.route))
        x.res = std::move(*now);
    else
        x.res = co_await routes.handle(req, *x.client, &x.route, x.who ? &*x.who : nullptr);
    finish_for_wire(x.res, req.version(), head, x.keep_alive);
}

std::optional<listener::session::quick_answer> listener::session::answer_quickly()
{
    // Debug logging writes each request's headers, which only the full road has.
    if (logging::enabled(spdlog::level::debug))
        return std::nullopt;
    auto const bytes = buffer_.data();
    auto const head = read_plain_head({static_cast<char const*>(bytes.data()), bytes.size()});
    if (!head)
        return std::nullopt;
    auto const target = boost::urls::parse_origin_form(head->target);
    if (!target)
        return std::nullopt;
    auto const hit = owner_.routes_.find_quick(head->method, *target);
    if (!hit)
        return std::nullopt;
    auto const started = std::chrono::steady_clock::now();
    std::string const* client = &remote_ip_;
    if (behind_proxy_)
        client = &(forwarded_ip_ = owner_.options_.proxies
                                       .client_address(peer_, {head->forwarded_for.data(), head->forwarded_count})
                                       .to_string());
    bool const keep_alive = head->keep_alive && !conn_->closing;
    // As the full road, which drops a client's own X-Forwarded-Proto: only a proxy's is heard.
    quick_request const visit{head->method,         *target,    hit->capture,
                              head->user_agent,     head->referer, head->accept_language,
                              *client,              behind_proxy_ ? head->forwarded_proto : std::string_view()};
    wire_ = borrow_answer_bytes();
    auto const status = owner_.routes_.answer_quickly(*hit, visit, head->version, keep_alive, wire_);
    if (status == 0) {
        return_answer_bytes(std::exchange(wire_, {}));
        return std::nullopt;
    }
    quick_answer answer{hit->route, status, head->method == verb::head ? "HEAD" : "GET", log_path(head->target),
                        started, keep_alive};
    // The head's bytes are done with: what follows in the buffer is the next request.
    buffer_.consume(head->bytes);
    return answer;
}

net::awaitable<bool> listener::session::send(exchange& x)
{
    if (conn_->closing && x.keep_alive) {
        x.keep_alive = false; // shutdown began while the request was handled
        x.res.keep_alive(false);
    }
    wire_ = borrow_answer_bytes();
    append_wire_bytes(wire_, x.res);
    co_return co_await write_wire();
}

bool listener::session::barrier_pending() const
{
    auto const& before_reply = owner_.options_.before_reply;
    return before_reply && before_reply->pending();
}

void listener::session::flush_barrier() const
{
    owner_.options_.before_reply->flush();
}

net::awaitable<bool> listener::session::write_wire()
{
    if (barrier_pending()) {
        // Let the other requests that are ready in this event-loop turn stage their clicks
        // too; the first to get here writes them all with one system call.
        co_await net::post(conn_->stream.get_executor(), net::use_awaitable);
        flush_barrier();
    }
    boost::system::error_code ec;
    if (auto const written = write_at_once(ec); !ec && written < wire_.size())
        ec = co_await write_rest(written);
    return_answer_bytes(std::exchange(wire_, {}));
    co_return !ec;
}

net::awaitable<boost::system::error_code> listener::session::write_rest(std::size_t written)
{
    conn_->stream.expires_after(owner_.options_.request_timeout);
    auto [ec, rest] = co_await net::async_write(conn_->stream, net::buffer(wire_) + written, k_use);
    (void)rest;
    co_return ec;
}

std::size_t listener::session::write_at_once(boost::system::error_code& ec)
{
    ec = {};
    // MSG_DONTWAIT: this call never blocks the thread, whatever mode the socket is in.
    auto const sent = ::send(conn_->stream.socket().native_handle(), wire_.data(), wire_.size(),
                             MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent >= 0)
        return static_cast<std::size_t>(sent);
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        ec.assign(errno, boost::system::system_category());
    return 0;
}

void listener::session::record(std::size_t route, unsigned status, std::string_view method, std::string_view path,
                               std::chrono::steady_clock::time_point started) const
{
    auto const took = std::chrono::steady_clock::now() - started;
    if (owner_.observer_)
        owner_.observer_->observe(route, status, took);
    auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    logging::info("http", {{"method", method},
                           {"path", path},
                           {"status", status},
                           {"latency_ms", logging::fixed{static_cast<double>(micros) / 1000.0, 3}}});
}

net::awaitable<void> listener::session::drain_refused()
{
    // Closing with bytes of the refused request still unread makes the kernel send a reset,
    // which can destroy our answer before the client reads it: read and discard what is still
    // coming, for a moment and up to a bound.
    conn_->stream.expires_after(std::chrono::seconds(1));
    std::array<char, 4096> sink;
    for (std::size_t drained = 0; drained < 256 * 1024;) {
        auto [ec, n] = co_await conn_->stream.async_read_some(net::buffer(sink), k_use);
        if (ec)
            break;
        drained += n;
    }
}

} // namespace linkledger::http
