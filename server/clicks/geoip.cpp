#include "clicks/geoip.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <maxminddb.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace linkledger::clicks {

geoip::geoip(std::string const& path) : db_(std::make_unique<MMDB_s>()), path_(path)
{
    int const status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db_.get());
    if (status != MMDB_SUCCESS) {
        db_.reset();
        throw std::runtime_error("cannot open GeoIP database " + path + ": " + MMDB_strerror(status));
    }
}

geoip::geoip() = default;

geoip::~geoip()
{
    if (db_)
        MMDB_close(db_.get());
}

std::string geoip::built() const
{
    if (!db_)
        return {};
    auto const epoch = static_cast<std::time_t>(db_->metadata.build_epoch);
    std::tm utc{};
    gmtime_r(&epoch, &utc);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
    return day;
}

std::string default_country_db()
{
    for (auto const* candidate : {"/usr/share/linkledger/geoip/country.mmdb", "data/geoip/country.mmdb"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec))
            return candidate;
    }
    return {};
}

std::string geoip::country(std::string_view ip) const
{
    if (!db_ || ip.empty())
        return "unknown";
    int gai_error = 0;
    int mmdb_error = MMDB_SUCCESS;
    // Every click is looked up: an address we wrote ourselves is parsed here, without
    // MMDB_lookup_string's getaddrinfo (an allocation and a resolver call per click).
    MMDB_lookup_result_s result{};
    char text[INET6_ADDRSTRLEN + 1] = {};
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (ip.size() < sizeof text)
        std::copy(ip.begin(), ip.end(), text);
    if (ip.size() < sizeof text && ::inet_pton(AF_INET, text, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        result = MMDB_lookup_sockaddr(db_.get(), reinterpret_cast<sockaddr const*>(&v4), &mmdb_error);
    } else if (ip.size() < sizeof text && ::inet_pton(AF_INET6, text, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        result = MMDB_lookup_sockaddr(db_.get(), reinterpret_cast<sockaddr const*>(&v6), &mmdb_error);
    } else {
        std::string const address(ip); // a scoped IPv6 address or the like: the resolver knows
        result = MMDB_lookup_string(db_.get(), address.c_str(), &gai_error, &mmdb_error);
    }
    if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !result.found_entry)
        return "unknown";
    MMDB_entry_data_s data{};
    bool found = MMDB_get_value(&result.entry, &data, "country", "iso_code", nullptr) == MMDB_SUCCESS &&
                 data.has_data;
    if (!found)
        found = MMDB_get_value(&result.entry, &data, "country_code", nullptr) == MMDB_SUCCESS &&
                data.has_data;
    if (!found || data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size != 2)
        return "unknown";
    std::string code(data.utf8_string, 2);
    for (auto& c : code)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return code;
}

} // namespace linkledger::clicks
