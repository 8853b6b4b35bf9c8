#include "events/webhook_client.hpp"

#include "events/address_policy.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

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
    return t;
}

std::string host_header(target const& t)
{
    std::string out = t.host.find(':') != std::string::npos ? std::string("[").append(t.host).append("]") : t.host;
    if (t.port != (t.https ? "443" : "80")) {
        out += ':';
        out += t.port;
    }
    return out;
}

template <class Stream>
net::awaitable<void> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req, post_result& out)
{
    auto [write_ec, written] = co_await bhttp::async_write(stream, req, net::as_tuple(net::use_awaitable));
    (void)written;
    if (write_ec) {
        out.error = std::string("write: ") + write_ec.message();
        co_return;
    }
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(k_read_bytes);
    auto [header_ec, header_bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    (void)header_bytes;
    if (header_ec) {
        out.error = std::string("reading the answer: ") + header_ec.message();
        co_return;
    }
    out.status = static_cast<int>(parser.get().result_int());
    if (auto const it = parser.get().find(bhttp::field::retry_after); it != parser.get().end())
        out.retry_after = std::string(it->value());
    // The status decides; the body is only kept for the delivery log, so a body that is too
    // long, too slow or never ends is cut short and not an error.
    auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    (void)body_ec;
    (void)body_bytes;
    auto const& body = parser.get().body();
    out.body_head = body.substr(0, std::min(body.size(), k_kept_bytes));
}

} // namespace

webhook_client::webhook_client(bool allow_private, std::chrono::milliseconds timeout)
    : allow_private_(allow_private), timeout_(timeout), tls_(ssl::context::tls_client)
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
    auto executor = co_await net::this_coro::executor;
    auto const deadline = std::chrono::steady_clock::now() + timeout_;

    // The resolver cannot take a deadline: a timer cancels it.
    tcp::resolver resolver(executor);
    net::steady_timer resolve_timer(executor);
    resolve_timer.expires_at(deadline);
    resolve_timer.async_wait([&resolver](boost::system::error_code ec) {
        if (!ec)
            resolver.cancel();
    });
    auto [resolve_ec, results] =
        co_await resolver.async_resolve(t->host, t->port, net::as_tuple(net::use_awaitable));
    resolve_timer.cancel();
    if (resolve_ec) {
        out.error = std::string("resolving ").append(t->host).append(": ").append(resolve_ec.message());
        finish();
        co_return out;
    }
    std::vector<tcp::endpoint> endpoints;
    for (auto const& r : results) {
        if (!allow_private_)
            if (auto const why = non_public_reason(r.endpoint().address())) {
                out.error = std::string("refused: ")
                                .append(t->host)
                                .append(" resolves to ")
                                .append(r.endpoint().address().to_string())
                                .append(", a ")
                                .append(*why)
                                .append(" address (set LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1 to allow)");
                out.refused = true;
                finish();
                co_return out;
            }
        endpoints.push_back(r.endpoint());
    }

    bhttp::request<bhttp::string_body> req{bhttp::verb::post, t->path, 11};
    req.set(bhttp::field::host, host_header(*t));
    req.set(bhttp::field::user_agent, k_user_agent);
    req.set(bhttp::field::content_type, "application/json");
    req.set(bhttp::field::connection, "close");
    for (auto const& [name, value] : headers)
        req.set(name, value);
    req.body() = std::move(body);
    req.prepare_payload();

    beast::tcp_stream tcp_stream(executor);
    tcp_stream.expires_at(deadline);
    auto [connect_ec, connected] = co_await tcp_stream.async_connect(endpoints, net::as_tuple(net::use_awaitable));
    (void)connected;
    if (connect_ec) {
        out.error = std::string("connecting: ") + connect_ec.message();
        finish();
        co_return out;
    }
    if (!t->https) {
        co_await exchange(tcp_stream, req, out);
        boost::system::error_code ignored;
        tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        finish();
        co_return out;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls_);
    if (!t->host_is_ip)
        ::SSL_set_tlsext_host_name(stream.native_handle(), t->host.c_str()); // SNI
    stream.set_verify_callback(ssl::host_name_verification(t->host));
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, net::as_tuple(net::use_awaitable));
    if (handshake_ec) {
        out.error = std::string("TLS: ") + handshake_ec.message();
        finish();
        co_return out;
    }
    co_await exchange(stream, req, out);
    // The answer is in; a receiver that does not close properly costs nothing more.
    beast::get_lowest_layer(stream).close();
    finish();
    co_return out;
}

} // namespace linkledger::events
