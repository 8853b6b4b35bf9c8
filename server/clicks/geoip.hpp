// Country of a visitor from an optional MaxMind-format database (LINKLEDGER_GEOIP_DB):
// GeoLite2 records carry country.iso_code, DB-IP's lite file country_code; both are read.
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

private:
    std::unique_ptr<MMDB_s> db_;
};

} // namespace linkledger::clicks
