// The listener's own serialization against Beast's serializer: the same bytes for every shape
// of response the server sends.
#include "http/http_error.hpp"
#include "http/response.hpp"
#include "http/wire_format.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace linkledger::http;

namespace {

std::string beast_bytes(response const& res)
{
    std::ostringstream out;
    out << res;
    return out.str();
}

std::string ours(response const& res)
{
    std::string out = "kept|";
    append_wire_bytes(out, res);
    EXPECT_EQ(out.substr(0, 5), "kept|") << "what the buffer held before is kept";
    return out.substr(5);
}

} // namespace

TEST(wire_format, a_redirect_is_written_as_beast_writes_it)
{
    response res{status::found, 11};
    res.set(bhttp::field::location, "https://shop.example/p?subid=01JDZQ5C9M7R3K8T2V6W4X1000");
    res.set(bhttp::field::cache_control, "no-store");
    res.set("Referrer-Policy", "strict-origin-when-cross-origin");
    res.prepare_payload();
    res.keep_alive(true);
    EXPECT_EQ(ours(res), beast_bytes(res));
    EXPECT_NE(ours(res).find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(wire_format, pages_errors_closing_and_http_1_0_are_written_as_beast_writes_them)
{
    auto page = message_page(status::not_found, "Link not found", "This link does not exist.");
    page.version(11);
    page.prepare_payload();
    page.keep_alive(false);
    EXPECT_EQ(ours(page), beast_bytes(page));
    EXPECT_NE(ours(page).find("Connection: close\r\n"), std::string::npos);

    auto error = error_response(http_error(status::request_header_fields_too_large, "headers_too_large",
                                           "the request headers are larger than 8192 bytes", "headers"));
    error.version(10);
    error.prepare_payload();
    error.keep_alive(true);
    EXPECT_EQ(ours(error), beast_bytes(error));
    EXPECT_EQ(ours(error).substr(0, 13), "HTTP/1.0 431 ");

    response custom{static_cast<status>(299), 11};
    custom.reason("Odd");
    custom.body() = "x";
    custom.prepare_payload();
    EXPECT_EQ(ours(custom), beast_bytes(custom));
}

TEST(wire_format, the_quick_redirect_is_the_response_beast_would_build_byte_for_byte)
{
    std::string const location = "https://shop.example/p?subid=01JDZQ5C9M7R3K8T2V6W4X1000&utm_source=tiktok";
    for (unsigned const version : {10u, 11u}) {
        for (bool const keep_alive : {true, false}) {
            response res{status::found, version};
            res.set(bhttp::field::location, location);
            res.set(bhttp::field::cache_control, "no-store");
            res.set("Referrer-Policy", "strict-origin-when-cross-origin");
            res.prepare_payload();
            res.keep_alive(keep_alive);
            std::string quick = "kept|";
            append_found_wire(quick, version, keep_alive, location,
                              {{"Cache-Control", "no-store"}, {"Referrer-Policy", "strict-origin-when-cross-origin"}});
            EXPECT_EQ(quick, "kept|" + beast_bytes(res)) << "HTTP/" << version / 10 << "." << version % 10
                                                         << (keep_alive ? " keep-alive" : " close");
        }
    }
}
