#include "http/wire_format.hpp"

#include <charconv>

namespace linkledger::http {

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

} // namespace linkledger::http
