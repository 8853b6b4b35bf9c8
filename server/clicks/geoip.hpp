// Country of a visitor from a MaxMind-format database: LINKLEDGER_GEOIP_DB, else the free
// country file the install step brings (deploy/fetch-country-db.sh). GeoLite2 records carry
// country.iso_code; DB-IP's lite file and geo-whois-asn-country carry country_code; both are read.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct MMDB_s;

namespace linkledger::clicks {

class geoip {
public:
    geoip(); // no database: every country is "unknown"
    // Throws std::runtime_error naming the file when it cannot be opened.
    explicit geoip(std::string const& path);
    ~geoip();
    geoip(geoip const&) = delete;
    geoip& operator=(geoip const&) = delete;

    // Two upper-case letters, or "unknown".
    std::string country(std::string_view ip) const;
    bool enabled() const { return db_ != nullptr; }
    std::string const& path() const { return path_; }
    // The day the file was built (YYYY-MM-DD, UTC), from its metadata; empty without a file.
    std::string built() const;

private:
    std::unique_ptr<MMDB_s> db_;
    std::string path_;
};

// Where the install step puts the country file, in the order they are tried: the image's
// /usr/share/linkledger/geoip/country.mmdb, then data/geoip/country.mmdb under the working
// directory (a checkout run by run-local.sh). Empty when neither exists.
std::string default_country_db();

} // namespace linkledger::clicks
