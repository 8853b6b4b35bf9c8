#include "events/webhook_client.hpp"

#include "clicks/text_sanitizer.hpp"
#include "events/address_policy.hpp"
#include "events/webhook_url.hpp"
#include "http/url_host.hpp"
#include "http/written_authority.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace linkledger::events {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

constexpr std::size_t k_kept_bytes = 1024;
constexpr std::size_t k_read_bytes = 64 * 1024;
constexpr auto k_user_agent = "Linkledger-Webhooks/1.0";

struct target {
    bool https = false;
    std::string host; // without brackets
    std::string port;
    std::string path; // origin form
    bool host_is_ip = false;
};

std::optional<target> parse_target(std::string const& url)
{
    auto const parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed)
        return std::nullopt;
    auto const& u = *parsed;
    target t;
    auto const scheme = u.scheme();
    if (scheme == "https")
        t.https = true;
    else if (scheme != "http")
        return std::nullopt;
    switch (u.host_type()) {
    case boost::urls::host_type::ipv4: t.host = u.host_ipv4_address().to_string(); t.host_is_ip = true; break;
    case boost::urls::host_type::ipv6: t.host = u.host_ipv6_address().to_string(); t.host_is_ip = true; break;
    case boost::urls::host_type::name: t.host = u.host(); break;
    default: return std::nullopt;
    }
    if (t.host.empty())
        return std::nullopt;
    t.port = u.has_port() ? std::string(u.port()) : (t.https ? "443" : "80");
    t.path = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
    if (u.has_query()) {
        t.path += '?';
        t.path += u.encoded_query();
    }
    // https://10.0.0.5.nip.io/hook is the name 10.0.0.5.nip.io, not the address 10.0.0.5 with
    // the path ".nip.io/hook" Boost.URL 1.81 reads (http/written_authority.hpp).
    if (http::authority_cut_short(u.encoded_path())) {
        auto const written = http::authority_as_written(url);
        t.host = std::string(written.host);
        t.host_is_ip = false;
        if (!written.port.empty())
            t.port = std::string(written.port);
        auto const rest = written.rest.substr(0, written.rest.find('#'));
        t.path = rest.empty() || rest.front() != '/' ? "/" + std::string(rest) : std::string(rest);
    }
    return t;
}

std::string host_header(target const& t)
{
    auto out = http::url_host(t.host);
    if (t.port != (t.https ? "443" : "80")) {
        out += ':';
        out += t.port;
    }
    return out;
}

// Why an exchange ended without a complete answer, in words for the delivery log.
std::string failure(char const* step, boost::system::error_code ec, std::chrono::milliseconds timeout)
{
    if (ec == beast::error::timeout)
        return std::string(step) + ": no complete answer within " + std::to_string(timeout.count()) + " ms (timeout)";
    return std::string(step) + ": " + ec.message();
}

// How an exchange ended, for the connection it used.
enum class ending {
    keep,  // the answer was read whole and the receiver keeps the connection open
    close, // an answer (or a failure) after which the connection is not reused
    stale, // a kept connection the receiver had closed: nothing of an answer came back
};

// The receiver closed (or reset) the connection before the first byte of an answer.
bool closed_before_answer(boost::system::error_code ec)
{
    return ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::error::broken_pipe || ec == ssl::error::stream_truncated;
}

template <class Stream>
net::awaitable<ending> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req, post_result& out,
                                std::chrono::milliseconds timeout)
{
    auto [write_ec, written] = co_await bhttp::async_write(stream, req, net::as_tuple(net::use_awaitable));
    (void)written;
    if (write_ec) {
        out.error = failure("sending", write_ec, timeout);
        co_return closed_before_answer(write_ec) ? ending::stale : ending::close;
    }
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    // The body is cut here, not by the parser: a Content-Length over the limit would make it
    // fail before the status is known.
    parser.body_limit(boost::none);
    auto [header_ec, header_bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    (void)header_bytes;
    if (header_ec) {
        out.error = failure("reading the answer", header_ec, timeout);
        co_return closed_before_answer(header_ec) && !parser.got_some() && buffer.size() == 0 ? ending::stale
                                                                                              : ending::close;
    }
    out.status = static_cast<int>(parser.get().result_int());
    if (auto const it = parser.get().find(bhttp::field::retry_after); it != parser.get().end())
        out.retry_after = std::string(it->value());
    // The answer counts only once it is complete: a receiver that stops half-way may not have
    // taken the event. One that sends more than k_read_bytes, trickles past the deadline or
    // never ends its body is cut short, and the attempt fails with the reason.
    while (!parser.is_done()) {
        if (parser.get().body().size() > k_read_bytes) {
            out.error = "answer longer than " + std::to_string(k_read_bytes / 1024) + " KB: not read further";
            break;
        }
        auto [body_ec, body_bytes] =
            co_await bhttp::async_read_some(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        (void)body_bytes;
        if (body_ec) {
            out.error = failure("reading the answer's body", body_ec, timeout);
            break;
        }
    }
    // Stored as text: a receiver's bytes (binary, Latin-1, a character cut at 1 KB) must not
    // make the attempt's row unwritable.
    out.body_head = clicks::storable_text(parser.get().body(), k_kept_bytes);
    // Reused only after a whole answer, nothing after it, and no `Connection: close` (nor an
    // HTTP/1.0 answer without keep-alive): anything else leaves the stream in doubt.
    bool const whole = parser.is_done() && out.error.empty() && buffer.size() == 0;
    co_return whole && parser.keep_alive() ? ending::keep : ending::close;
}

std::string origin_of(target const& t)
{
    return (t.https ? "https://" : "http://") + http::url_host(t.host) + ":" + t.port;
}

// Resolves the host now, refuses a non-public address (unless allowed), connects to the
// checked addresses and, for https, verifies the receiver's certificate and name. Nothing
// when it failed, with the reason in `out`.
net::awaitable<std::optional<webhook_connection>> open_connection(target const& t, ssl::context& tls_context,
                                                                 bool allow_private,
                                                                 std::chrono::steady_clock::time_point deadline,
                                                                 std::chrono::milliseconds timeout,
                                                                 post_result& out)
{
    auto executor = co_await net::this_coro::executor;
    // The resolver cannot take a deadline: a timer cancels it.
    tcp::resolver resolver(executor);
    net::steady_timer resolve_timer(executor);
    resolve_timer.expires_at(deadline);
    resolve_timer.async_wait([&resolver](boost::system::error_code ec) {
        if (!ec)
            resolver.cancel();
    });
    auto [resolve_ec, results] =
        co_await resolver.async_resolve(host_to_resolve(t.host), t.port, net::as_tuple(net::use_awaitable));
    resolve_timer.cancel();
    if (resolve_ec) {
        out.error = std::string("resolving ").append(t.host).append(": ").append(resolve_ec.message());
        co_return std::nullopt;
    }
    std::vector<tcp::endpoint> endpoints;
    for (auto const& r : results) {
        if (!allow_private)
            if (auto const why = non_public_reason(r.endpoint().address())) {
                out.error = std::string("refused: ")
                                .append(t.host)
                                .append(" resolves to ")
                                .append(r.endpoint().address().to_string())
                                .append(", a ")
                                .append(*why)
                                .append(" address (set LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1 to allow)");
                out.refused = true;
                co_return std::nullopt;
            }
        endpoints.push_back(r.endpoint());
    }

    webhook_connection c;
    c.origin = origin_of(t);
    auto tcp_stream = std::make_unique<beast::tcp_stream>(executor);
    tcp_stream->expires_at(deadline);
    auto [connect_ec, connected] = co_await tcp_stream->async_connect(endpoints, net::as_tuple(net::use_awaitable));
    (void)connected;
    if (connect_ec) {
        out.error = failure("connecting", connect_ec, timeout);
        co_return std::nullopt;
    }
    if (!t.https) {
        c.plain = std::move(tcp_stream);
        co_return c;
    }
    c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*tcp_stream), tls_context);
    // OpenSSL checks the name (or address) itself, so a mismatch fails the handshake with
    // X509_V_ERR_HOSTNAME_MISMATCH and the delivery log can say so.
    auto* const tls = c.tls->native_handle();
    if (t.host_is_ip) {
        ::X509_VERIFY_PARAM_set1_ip_asc(::SSL_get0_param(tls), t.host.c_str());
    } else {
        ::SSL_set_tlsext_host_name(tls, t.host.c_str()); // SNI
        ::SSL_set_hostflags(tls, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ::SSL_set1_host(tls, t.host.c_str());
    }
    auto [handshake_ec] = co_await c.tls->async_handshake(ssl::stream_base::client, net::as_tuple(net::use_awaitable));
    if (handshake_ec) {
        auto const verify = ::SSL_get_verify_result(tls);
        if (verify != X509_V_OK)
            out.error = std::string("TLS: certificate refused: ") + ::X509_verify_cert_error_string(verify);
        else
            out.error = failure("TLS", handshake_ec, timeout);
        c.close();
        co_return std::nullopt;
    }
    co_return c;
}

net::awaitable<ending> exchange_on(webhook_connection& c, bhttp::request<bhttp::string_body>& req, post_result& out,
                                   std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout)
{
    c.tcp().expires_at(deadline);
    if (c.tls)
        co_return co_await exchange(*c.tls, req, out, timeout);
    co_return co_await exchange(*c.plain, req, out, timeout);
}

} // namespace

webhook_client::webhook_client(bool allow_private, std::chrono::milliseconds timeout, std::size_t max_connections,
                               std::chrono::milliseconds idle_limit)
    : allow_private_(allow_private), timeout_(timeout), tls_(ssl::context::tls_client),
      pool_(max_connections, idle_limit)
{
    tls_.set_default_verify_paths();
    tls_.set_verify_mode(ssl::verify_peer);
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

net::awaitable<post_result> webhook_client::post(std::string url, std::string body,
                                                 std::vector<std::pair<std::string, std::string>> headers)
{
    post_result out;
    auto const started = std::chrono::steady_clock::now();
    auto finish = [&] {
        out.latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    };
    auto const t = parse_target(url);
    if (!t) {
        out.error = "not an absolute http(s) URL";
        out.refused = true;
        finish();
        co_return out;
    }
    if (!t->https && !allow_private_) {
        out.error = "http:// is refused unless LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1";
        out.refused = true;
        finish();
        co_return out;
    }
    auto const deadline = std::chrono::steady_clock::now() + timeout_;

    bhttp::request<bhttp::string_body> req{bhttp::verb::post, t->path, 11};
    req.set(bhttp::field::host, host_header(*t));
    req.set(bhttp::field::user_agent, k_user_agent);
    req.set(bhttp::field::content_type, "application/json");
    for (auto const& [name, value] : headers)
        req.set(name, value);
    req.body() = std::move(body);
    req.prepare_payload();

    if (auto kept = pool_.take(origin_of(*t))) {
        auto const end = co_await exchange_on(*kept, req, out, deadline, timeout_);
        if (end != ending::stale) {
            out.reused_connection = true;
            pool_.release(std::move(*kept), end == ending::keep);
            finish();
            co_return out;
        }
        // Closed by the receiver while idle: not the receiver's failure, nor a lost delivery.
        pool_.release(std::move(*kept), false);
        out = post_result{};
    }

    pool_.opening();
    auto connection = co_await open_connection(*t, tls_, allow_private_, deadline, timeout_, out);
    if (!connection) {
        pool_.release(webhook_connection{}, false);
        finish();
        co_return out;
    }
    auto const end = co_await exchange_on(*connection, req, out, deadline, timeout_);
    pool_.release(std::move(*connection), end == ending::keep);
    finish();
    co_return out;
}

} // namespace linkledger::events
