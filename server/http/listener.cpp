#include "http/listener.hpp"

#include "http/http_error.hpp"
#include "http/request_log.hpp"
#include "http/response.hpp"
#include "logging/json_formatter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <optional>

#include <sys/resource.h>

namespace linkledger::http {
namespace {

constexpr auto k_use = net::as_tuple(net::use_awaitable);
// The first read of a request: a redirect's whole header fits in it.
constexpr std::size_t k_first_read_bytes = 4096;

std::string log_path(std::string_view target)
{
    // The query string may carry secrets (postback tokens) and personal data: never logged.
    // Quoted when it holds a '"', so a crafted target stays one field of the JSON log.
    auto const path = target.substr(0, target.find('?'));
    return logging::quoted(path.substr(0, 256));
}

// The response as it goes on the wire. Beast's serializer walks the header through a chain of
// buffer-sequence iterators that cost more than building the bytes (our responses are small
// and never streamed); the fields are exactly those prepare_payload() and keep_alive() set.
std::string wire_bytes(response const& res)
{
    auto const reason = res.reason();
    std::string out;
    out.reserve(192 + res.body().size());
    out.append(res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out.append(std::to_string(res.result_int()));
    out.push_back(' ');
    out.append(reason.data(), reason.size());
    out.append("\r\n");
    for (auto const& field : res) {
        auto const name = field.name_string();
        auto const value = field.value();
        out.append(name.data(), name.size());
        out.append(": ");
        out.append(value.data(), value.size());
        out.append("\r\n");
    }
    out.append("\r\n");
    out.append(res.body());
    return out;
}

std::string client_ip(trusted_proxies const& proxies, net::ip::address const& peer,
                      request const& req)
{
    std::vector<std::string_view> forwarded;
    auto const [first, last] = req.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it)
        forwarded.emplace_back(it->value().data(), it->value().size());
    return proxies.client_address(peer, forwarded).to_string();
}

// Answers for requests refused before any route saw them: limits on size and shape.
response early_error(status s, std::string code, std::string const& message, std::string field = {})
{
    return error_response(http_error(s, std::move(code), message, std::move(field)));
}

response too_many_large_bodies()
{
    auto res = early_error(status::service_unavailable, "busy",
                           "too many large request bodies are being received; try again shortly", "body");
    res.set(bhttp::field::retry_after, "1");
    return res;
}

// The client waits for our word before sending its body (RFC 9110, 10.1.1): given once the
// header has passed every check, so a refused upload is never sent at all.
bool expects_continue(request const& header)
{
    return header.version() >= 11 && beast::iequals(header[bhttp::field::expect], "100-continue");
}

response too_large_body()
{
    return early_error(status::payload_too_large, "payload_too_large", "the request body is too large",
                       "body");
}

// A header too big for Beast's limit is either a huge request-target (414) or too many or too
// big fields (431). Beast parses the request line as soon as it is complete: without one, the
// line itself is what overflowed.
response oversized_header(request const& partial, beast::flat_buffer const& buffer)
{
    bool const no_request_line = partial.target().empty();
    if ((no_request_line && buffer.size() > k_max_target_bytes) || partial.target().size() > k_max_target_bytes)
        return early_error(status::uri_too_long, "uri_too_long",
                           "the request target is longer than " + std::to_string(k_max_target_bytes) +
                               " bytes", "target");
    return early_error(status::request_header_fields_too_large, "headers_too_large",
                       "the request headers are larger than " + std::to_string(k_max_header_bytes) +
                           " bytes", "headers");
}

// The limits Beast does not check itself: the target's length, the fields' count and size.
std::optional<response> header_problem(request const& req, std::size_t header_bytes)
{
    auto const target = req.target();
    if (target.size() > k_max_target_bytes)
        return early_error(status::uri_too_long, "uri_too_long",
                           "the request target is longer than " + std::to_string(k_max_target_bytes) +
                               " bytes", "target");
    // The request line is method, target, "HTTP/1.x" and three separators.
    auto const line_bytes = req.method_string().size() + target.size() + 12;
    if (header_bytes > line_bytes + k_max_header_bytes)
        return early_error(status::request_header_fields_too_large, "headers_too_large",
                           "the request headers are larger than " + std::to_string(k_max_header_bytes) +
                               " bytes", "headers");
    std::size_t fields = 0;
    for (auto it = req.begin(); it != req.end(); ++it)
        if (++fields > k_max_header_fields)
            return early_error(status::request_header_fields_too_large, "too_many_headers",
                               "the request has more than " + std::to_string(k_max_header_fields) +
                                   " header fields", "headers");
    return std::nullopt;
}

} // namespace

std::size_t fit_connections_to_fd_limit(std::size_t wanted)
{
    // Descriptors besides client sockets: the journal, the database pool and its listener,
    // the shipper, log files, the acceptor, and headroom for what a library opens.
    constexpr rlim_t k_reserve = 256;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return wanted;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || wanted == 0 || wanted + k_reserve <= limit.rlim_cur)
        return wanted;
    auto const fits = static_cast<std::size_t>(limit.rlim_cur > 2 * k_reserve ? limit.rlim_cur - k_reserve
                                                                            : limit.rlim_cur / 2);
    spdlog::warn("max connections lowered from {} to {}: the open-file limit is {} (raise it with "
                 "ulimit -n or LimitNOFILE=)", wanted, fits, static_cast<std::uint64_t>(limit.rlim_cur));
    return fits;
}

// One of the few turns to read (and handle) a large body; given back when destroyed.
class listener::large_body_turn {
public:
    explicit large_body_turn(std::atomic<std::size_t>& in_use) : in_use_(&in_use) {}
    large_body_turn(large_body_turn&& other) noexcept : in_use_(std::exchange(other.in_use_, nullptr)) {}
    large_body_turn& operator=(large_body_turn&& other) noexcept
    {
        give_back();
        in_use_ = std::exchange(other.in_use_, nullptr);
        return *this;
    }
    ~large_body_turn() { give_back(); }

private:
    void give_back()
    {
        if (in_use_)
            in_use_->fetch_sub(1, std::memory_order_relaxed);
        in_use_ = nullptr;
    }

    std::atomic<std::size_t>* in_use_;
};

struct listener::connection {
    explicit connection(net::ip::tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    std::uint64_t id = 0;
    bool busy = false;    // a request is being read past its header, handled or answered
    bool closing = false; // close after the response in flight
};

listener::listener(io_context_pool& pool, router const& routes, listener_options options)
    : pool_(pool), routes_(routes), options_(std::move(options)), acceptor_(pool.context(0))
{
}

void listener::open()
{
    auto const address = net::ip::make_address(options_.host);
    net::ip::tcp::endpoint const endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    bound_port_ = acceptor_.local_endpoint().port();
}

void listener::start()
{
    net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);
}

net::awaitable<void> listener::accept_loop()
{
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(pool_.next(), k_use);
        if (ec == net::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            // Running out of file descriptors must not end the accept loop for good.
            spdlog::warn("accept failed: {}", ec.message());
            net::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(k_use);
            continue;
        }
        bool over_cap = false;
        std::shared_ptr<connection> conn;
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                continue;
            over_cap = options_.max_connections > 0 && connections_.size() >= options_.max_connections;
            if (!over_cap) {
                conn = std::make_shared<connection>(std::move(socket));
                conn->id = next_id_++;
                connections_[conn->id] = conn;
            }
        }
        if (over_cap) {
            // Closed before reading a byte: the descriptor is back at once, so a flood of
            // connections can never starve the journal or the database of descriptors.
            boost::system::error_code ignored;
            socket.close(ignored);
            ++rejected_connections_;
            auto const now = std::chrono::steady_clock::now();
            if (now - last_rejection_log_ >= std::chrono::seconds(10)) {
                last_rejection_log_ = now;
                spdlog::warn("connection cap reached max_connections={} rejected={}: new connections "
                             "are closed", options_.max_connections, rejected_connections_.load());
            }
            continue;
        }
        auto executor = conn->stream.get_executor();
        net::co_spawn(executor, serve(std::move(conn)), net::detached);
    }
}

net::awaitable<std::optional<listener::large_body_turn>> listener::wait_for_large_body_turn(connection& conn)
{
    auto const give_up = std::chrono::steady_clock::now() + options_.large_body_wait;
    for (;;) {
        auto taken = large_bodies_.load(std::memory_order_relaxed);
        while (taken < options_.max_large_bodies)
            if (large_bodies_.compare_exchange_weak(taken, taken + 1, std::memory_order_relaxed))
                co_return large_body_turn(large_bodies_);
        auto const now = std::chrono::steady_clock::now();
        if (now >= give_up || conn.closing)
            co_return std::nullopt;
        // A short poll rather than a queue: turns are given back on other threads, the waiters
        // are few (large uploads), and a turn lasts far longer than the poll.
        net::steady_timer pause(conn.stream.get_executor(),
                                std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(20), give_up - now));
        co_await pause.async_wait(k_use);
    }
}

std::size_t listener::open_connections() const
{
    std::lock_guard lock(mutex_);
    return connections_.size();
}

void listener::forget(std::uint64_t id)
{
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (stopping_ && connections_.empty() && grace_timer_)
        grace_timer_->cancel();
}

net::awaitable<void> listener::serve(std::shared_ptr<connection> conn)
{
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    std::string remote_ip;
    net::ip::address peer;
    if (auto const endpoint = conn->stream.socket().remote_endpoint(ec); !ec) {
        peer = endpoint.address();
        remote_ip = unmapped(peer).to_string();
    }
    // Only a trusted proxy's connection can carry another client per request.
    bool const behind_proxy = !ec && options_.proxies.trusts(peer);

    std::string forwarded_ip; // the client named by a trusted proxy, per request
    bool refused = false;     // answered before the whole request was read
    for (;;) {
        std::optional<bhttp::request_parser<bhttp::string_body>> parser;
        parser.emplace();
        // Room for the longest target and the largest fields; each is checked on its own below.
        parser->header_limit(static_cast<std::uint32_t>(k_max_target_bytes + k_max_header_bytes + 64));
        // Beast checks Content-Length against the limit while parsing the header, before the
        // route is known: start from the largest any route allows, then narrow it below.
        parser->body_limit(routes_.largest_body_limit());
        if (buffer.size() == 0) {
            // Until a request begins the connection is idle: a quiet client (or a kept-alive
            // one that has nothing more to ask) is dropped at the idle deadline.
            conn->stream.expires_after(options_.idle_timeout);
            auto [idle_ec, n] = co_await conn->stream.async_read_some(buffer.prepare(k_first_read_bytes), k_use);
            if (idle_ec)
                break;
            buffer.commit(n);
        }
        // One deadline for the whole request, header and body: a client that trickles bytes
        // cannot hold a connection longer than this.
        conn->stream.expires_after(options_.request_timeout);
        auto [read_ec, header_bytes] = co_await bhttp::async_read_header(conn->stream, buffer, *parser, k_use);
        auto const started = std::chrono::steady_clock::now();
        std::string method = "-";
        std::string path = "-";
        std::optional<response> early;
        if (read_ec == bhttp::error::header_limit)
            early = oversized_header(parser->get(), buffer);
        else if (read_ec == bhttp::error::body_limit)
            early = too_large_body();
        else if (read_ec)
            break; // closed, timed out, or not HTTP: nothing to answer
        else
            early = header_problem(parser->get(), header_bytes);
        std::string const* client = &remote_ip;
        if (!early && behind_proxy)
            client = &(forwarded_ip = client_ip(options_.proxies, peer, parser->get()));
        if (!early && options_.limiter) {
            // Before the body is read and before any route (or the database) does work.
            auto const& header = parser->get();
            if (auto const limited = classify_route(header.method(), header.target())) {
                auto wait = options_.limiter->admit(*limited, *client);
                if (wait == 0 && options_.shared_admit)
                    wait = co_await options_.shared_admit(*limited, *client);
                if (wait != 0)
                    early = rate_limited_response(*limited, wait);
            }
        }
        std::size_t route = routes_.unmatched();
        std::optional<principal> who;         // found before the body, on authenticated routes
        std::optional<large_body_turn> turn;  // held until the answer is sent
        if (!early) {
            conn->busy = true;
            // Most requests (every redirect) carry no body: nothing more to check before it.
            if (parser->content_length().value_or(0) > 0 || parser->chunked()) {
                // Before a byte of the body is read: route, method and credentials, then size.
                auto verdict = co_await routes_.check_header(parser->get(), *client);
                route = verdict.route;
                auto const length = parser->content_length();
                if (verdict.refusal)
                    early = std::move(verdict.refusal);
                else if (length && *length > verdict.body_limit)
                    early = too_large_body();
                else
                    parser->body_limit(verdict.body_limit); // a chunked body is counted as it arrives
                who = std::move(verdict.who);
                bool const large = length ? *length > k_large_body_bytes : verdict.body_limit > k_large_body_bytes;
                if (!early && large && !(turn = co_await wait_for_large_body_turn(*conn)))
                    early = too_many_large_bodies();
                if (!early && expects_continue(parser->get())) {
                    static constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
                    auto [continue_ec, sent] = co_await net::async_write(
                        conn->stream, net::buffer(k_continue.data(), k_continue.size()), k_use);
                    (void)sent;
                    if (continue_ec)
                        break;
                }
                if (early) {
                    method = std::string(parser->get().method_string());
                    path = log_path(parser->get().target());
                }
            }
        }
        if (!early) {
            auto [body_ec, body_bytes] = co_await bhttp::async_read(conn->stream, buffer, *parser, k_use);
            (void)body_bytes;
            if (body_ec == bhttp::error::body_limit)
                early = too_large_body();
            else if (body_ec)
                break;
        }

        response res;
        bool keep_alive = false;
        if (early) {
            // The rest of the request (its body) is unread: the connection cannot go on.
            res = std::move(*early);
            refused = true;
        } else {
            auto req = parser->release();
            method = std::string(req.method_string());
            path = log_path(req.target());
            keep_alive = req.keep_alive();
            bool const head = req.method() == verb::head;
            // Whether the client used https is told by the proxy that ended TLS; anyone else
            // claiming it would only switch on HSTS for themselves, but the rule stays simple.
            if (!behind_proxy)
                req.erase("X-Forwarded-Proto");
            log_request_details(req, *client);
            if (auto now = routes_.handle_now(req, *client, &route))
                res = std::move(*now);
            else
                res = co_await routes_.handle(req, *client, &route, who ? &*who : nullptr);
            res.version(req.version());
            res.prepare_payload();
            if (head)
                res.body().clear(); // Content-Length keeps the GET body's size, as HEAD requires
        }
        if (conn->closing)
            keep_alive = false;
        res.keep_alive(keep_alive);
        if (early)
            res.prepare_payload();

        if (options_.before_reply && options_.before_reply->pending()) {
            // Let the other requests that are ready in this event-loop turn stage their clicks
            // too; the first to get here writes them all with one system call.
            co_await net::post(conn->stream.get_executor(), net::use_awaitable);
            options_.before_reply->flush();
        }
        conn->stream.expires_after(options_.request_timeout);
        auto const wire = wire_bytes(res);
        auto [write_ec, written] = co_await net::async_write(conn->stream, net::buffer(wire), k_use);
        (void)written;
        auto const took = std::chrono::steady_clock::now() - started;
        if (observer_)
            observer_->observe(route, res.result_int(), took);
        auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
        spdlog::info("http method={} path={} status={} latency_ms={:.3f}", method, path,
                     res.result_int(), static_cast<double>(micros) / 1000.0);
        conn->busy = false;
        if (write_ec || !keep_alive || conn->closing)
            break;
    }
    conn->stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    if (refused) {
        // Closing with bytes of the refused request still unread makes the kernel send a
        // reset, which can destroy our answer before the client reads it: read and discard
        // what is still coming, for a moment and up to a bound.
        conn->stream.expires_after(std::chrono::seconds(1));
        std::array<char, 4096> sink;
        for (std::size_t drained = 0; drained < 256 * 1024;) {
            auto [drain_ec, n] = co_await conn->stream.async_read_some(net::buffer(sink), k_use);
            if (drain_ec)
                break;
            drained += n;
        }
    }
    conn->stream.socket().close(ec);
    forget(conn->id);
}

void listener::shutdown()
{
    std::vector<std::shared_ptr<connection>> open_connections;
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        stopping_ = true;
        for (auto const& [id, weak] : connections_)
            if (auto conn = weak.lock())
                open_connections.push_back(std::move(conn));
    }
    net::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
    });
    for (auto& conn : open_connections) {
        net::post(conn->stream.get_executor(), [conn] {
            conn->closing = true;
            // An idle keep-alive connection is only waiting for a next request: close it now.
            if (!conn->busy)
                conn->stream.cancel();
        });
    }
    std::lock_guard lock(mutex_);
    if (connections_.empty())
        return;
    grace_timer_ = std::make_unique<net::steady_timer>(pool_.context(0), options_.shutdown_grace);
    grace_timer_->async_wait([this](boost::system::error_code ec) {
        if (ec)
            return;
        spdlog::warn("shutdown grace period over: closing the remaining connections");
        std::lock_guard lock(mutex_);
        for (auto const& [id, weak] : connections_)
            if (auto conn = weak.lock())
                net::post(conn->stream.get_executor(), [conn] { conn->stream.cancel(); });
    });
}

} // namespace linkledger::http
