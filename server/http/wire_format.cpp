#include "http/wire_format.hpp"

#include <charconv>

namespace linkledger::http {

void finish_for_wire(response& res, unsigned version, bool head, bool keep_alive)
{
    res.version(version);
    res.prepare_payload();
    if (head)
        res.body().clear();
    res.keep_alive(keep_alive);
}

void append_wire_bytes(std::string& out, response const& res)
{
    auto const reason = res.reason();
    out.reserve(out.size() + 192 + res.body().size());
    out.append(res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    char code[8];
    auto const [end, ec] = std::to_chars(code, code + sizeof code, res.result_int());
    (void)ec;
    out.append(code, end);
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
}

void append_found_wire(std::string& out, unsigned version, bool keep_alive, std::string_view location,
                       std::initializer_list<wire_field> fields)
{
    auto const field = [&out](std::string_view name, std::string_view value) {
        out.append(name);
        out.append(": ");
        out.append(value);
        out.append("\r\n");
    };
    out.append(version == 10 ? "HTTP/1.0 302 Found\r\n" : "HTTP/1.1 302 Found\r\n");
    field("Location", location);
    for (auto const& f : fields)
        field(f.name, f.value);
    field("Content-Length", "0");
    // Beast's keep_alive(): HTTP/1.0 says keep-alive when it keeps the connection, 1.1 says close
    // when it does not.
    if (version == 10 && keep_alive)
        field("Connection", "keep-alive");
    else if (version != 10 && !keep_alive)
        field("Connection", "close");
    out.append("\r\n");
}

} // namespace linkledger::http
