// The request rate limits of the routes worth abusing (login, postback, webhook, API), held in
// PostgreSQL so that every instance behind a load balancer draws from one bucket per client and
// a restart forgets nothing. Each instance's own in-memory buckets (http/rate_limiter) still
// answer first, so a flood is turned away without a database trip; a request they admit costs
// one small upsert here. Redirects are never limited and never come here.
//
// While PostgreSQL cannot be reached the request is admitted (the local buckets still hold):
// limiting must not turn a database outage into an outage of postbacks and logins.
#pragma once

#include "db/database.hpp"
#include "http/rate_limiter.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace linkledger::auth {

namespace net = boost::asio;

class shared_rate_limiter {
public:
    shared_rate_limiter(db::database& db, http::rate_limiter::limits const& limits);

    // 0: admitted (and a token taken); else the whole seconds until the client's next token.
    net::awaitable<std::uint32_t> admit(http::route_class c, std::string const& client_ip);

    // The decision itself, on a connection: what admit() runs on a database thread.
    static std::uint32_t take_token(pqxx::connection& conn, http::route_class c, std::string const& key,
                                    http::rate_limit const& limit);

private:
    db::database& db_;
    http::rate_limiter::limits limits_;
    std::atomic<std::uint64_t> calls_{0};
};

} // namespace linkledger::auth
