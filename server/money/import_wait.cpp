#include "money/import_wait.hpp"

#include "http/http_error.hpp"
#include "money/order_lock.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>

namespace linkledger::money {

void leave_if_an_import_holds_offer(pqxx::transaction_base& tx, std::int64_t offer_id)
{
    if (!no_import_holds_offer(tx, offer_id))
        throw offer_held_by_import{};
}

void throw_import_still_running()
{
    throw http::http_error(http::status::service_unavailable, "database_busy",
                           "an import of this offer's sales is still running; try again shortly");
}

net::awaitable<void> wait_for_offer_import(db::database& db, std::int64_t offer_id,
                                           std::chrono::steady_clock::time_point deadline)
{
    net::steady_timer pause(co_await net::this_coro::executor);
    // Asked again at 100 ms, then less often (each ask is a transaction of the pool's), for as
    // long as a 100,000-row import takes with room to spare; a lock held longer than that is no
    // import, and the sender is told to come back (a network or a shop retries a 503).
    auto every = std::chrono::milliseconds(100);
    while (true) {
        auto const free = co_await db.run([&offer_id](pqxx::connection& conn) {
            pqxx::work tx(conn);
            return no_import_holds_offer(tx, offer_id);
        });
        if (free)
            co_return;
        if (std::chrono::steady_clock::now() >= deadline)
            throw_import_still_running();
        pause.expires_after(every);
        co_await pause.async_wait(net::use_awaitable);
        every = std::min(every * 2, std::chrono::milliseconds(1000));
    }
}

} // namespace linkledger::money
