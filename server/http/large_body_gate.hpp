// Who may read a large body now: a few requests at once across the server, and one per client
// (its address, or its IPv6 /64), so that one client's slow uploads cannot take every turn:
// four anonymous POSTs trickling a declared megabyte each used to turn every CSV import and
// every large shop delivery away with 503 for as long as they cared to.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace linkledger::http {

class large_body_gate {
public:
    large_body_gate(std::size_t max_total, std::size_t max_per_client)
        : max_total_(max_total), max_per_client_(max_per_client)
    {
    }

    // A turn for this client's key, when one is free; give it back with give_back().
    bool try_take(std::string const& client_key);
    void give_back(std::string const& client_key);

private:
    std::mutex mutex_;
    std::size_t const max_total_;
    std::size_t const max_per_client_;
    std::size_t taken_ = 0;
    std::unordered_map<std::string, std::size_t> by_client_;
};

} // namespace linkledger::http
