// A small blocking HTTP/1.1 client over real sockets, for integration tests.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <string>

namespace linkledger::testing {

struct http_reply {
    int status = 0;
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;

    std::string header(std::string const& name) const;
    boost::json::value json() const; // throws when the body is not JSON
};

struct http_request {
    std::string method = "GET";
    std::string target = "/";
    std::string body;
    std::map<std::string, std::string> headers;
};

// One request on a new connection.
http_reply send(unsigned short port, http_request const& request);

// A kept-alive connection for several requests.
class http_connection {
public:
    // `from`: the local address to connect from (any of 127.0.0.0/8), to be another client.
    explicit http_connection(unsigned short port, std::string const& from = "");
    http_reply send(http_request const& request);
    // Raw bytes, for requests a well-behaved client would never send.
    void write_raw(std::string const& bytes);
    // Reads whatever arrives until the peer closes or `timeout` passes; "closed" tells which.
    std::string read_until_close(std::chrono::milliseconds timeout, bool& closed);

private:
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::socket socket_;
    std::string pending_;
};

// JSON API helpers with a bearer key.
http_reply api(unsigned short port, std::string const& method, std::string const& target,
               std::string const& key, std::string const& body = "");

} // namespace linkledger::testing
