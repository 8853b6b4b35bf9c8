// Who may read a large body now: a few requests at once across the server. Anonymous ones (a
// shop's webhook, before its signature can be checked) get one turn per client (its address or
// IPv6 /64) and half of the turns at most, so that slow uploads cannot take every turn: four
// anonymous POSTs trickling a declared megabyte each used to turn every CSV import away with
// 503 for as long as they cared to. A request whose credentials were checked before its body
// (an API key, a session) may take any free turn.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_set>

namespace linkledger::http {

class large_body_gate {
public:
    explicit large_body_gate(std::size_t max_total) : max_total_(max_total) {}

    // A turn, when one is free for this request; give it back with give_back(), the same way.
    bool try_take(std::string const& client_key, bool anonymous);
    void give_back(std::string const& client_key, bool anonymous);

private:
    std::mutex mutex_;
    std::size_t const max_total_;
    std::size_t taken_ = 0;
    std::unordered_set<std::string> anonymous_clients_; // one turn each
};

} // namespace linkledger::http
