#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <poll.h>
#include <stdexcept>

namespace linkledger::testing {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

std::string http_reply::header(std::string const& name) const
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto const it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
}

boost::json::value http_reply::json() const
{
    return boost::json::parse(body);
}

http_connection::http_connection(unsigned short port, std::string const& from) : socket_(ioc_)
{
    if (!from.empty()) {
        socket_.open(net::ip::tcp::v4());
        socket_.bind({net::ip::make_address(from), 0});
    }
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
}

http_reply http_connection::send(http_request const& request)
{
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), request.target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto const& [name, value] : request.headers)
        req.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PATCH" ||
        request.method == "PUT") {
        req.body() = request.body;
        if (req[bhttp::field::content_type].empty())
            req.set(bhttp::field::content_type, "application/json");
        req.prepare_payload();
    }
    bhttp::write(socket_, req);

    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (request.method == "HEAD")
        parser.skip(true);
    bhttp::read(socket_, buffer, parser);
    auto const& res = parser.get();
    http_reply reply;
    reply.status = res.result_int();
    for (auto const& field : res) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        reply.headers[name] = std::string(field.value());
    }
    reply.body = res.body();
    return reply;
}

void http_connection::write_raw(std::string const& bytes)
{
    net::write(socket_, net::buffer(bytes));
}

std::string http_connection::read_until_close(std::chrono::milliseconds timeout, bool& closed)
{
    std::string out;
    closed = false;
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return out;
        pollfd pfd{socket_.native_handle(), POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
            return out;
        char buffer[4096];
        boost::system::error_code ec;
        auto const n = socket_.read_some(net::buffer(buffer), ec);
        if (ec) {
            closed = true;
            return out;
        }
        out.append(buffer, n);
    }
}

http_reply send(unsigned short port, http_request const& request)
{
    http_connection conn(port);
    return conn.send(request);
}

http_reply api(unsigned short port, std::string const& method, std::string const& target,
               std::string const& key, std::string const& body)
{
    http_request req{method, target, body, {}};
    if (!key.empty())
        req.headers["Authorization"] = "Bearer " + key;
    return send(port, req);
}

} // namespace linkledger::testing
