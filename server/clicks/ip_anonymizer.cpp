#include "clicks/ip_anonymizer.hpp"

#include <boost/asio/ip/address.hpp>

namespace linkledger::clicks {

std::string anonymize_ip(std::string_view text)
{
    // The common case, a dotted IPv4 address, without parsing and printing it again.
    if (auto const last_dot = text.rfind('.'); last_dot != std::string_view::npos &&
        text.find(':') == std::string_view::npos) {
        int dots = 0;
        bool digits_only = true;
        for (char c : text) {
            dots += c == '.';
            digits_only = digits_only && (c == '.' || (c >= '0' && c <= '9'));
        }
        if (dots == 3 && digits_only && text.size() <= 15) {
            boost::system::error_code ec;
            boost::asio::ip::make_address_v4(text, ec);
            if (!ec)
                return std::string(text.substr(0, last_dot)) + ".0";
        }
    }
    namespace ip = boost::asio::ip;
    boost::system::error_code ec;
    auto address = ip::make_address(text, ec);
    if (ec)
        return {};
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = ip::make_address_v4(ip::v4_mapped, address.to_v6());
    if (address.is_v4()) {
        auto bytes = address.to_v4().to_bytes();
        bytes[3] = 0;
        return ip::address_v4(bytes).to_string();
    }
    auto bytes = address.to_v6().to_bytes();
    for (std::size_t i = 6; i < bytes.size(); ++i)
        bytes[i] = 0;
    return ip::address_v6(bytes).to_string();
}

} // namespace linkledger::clicks
