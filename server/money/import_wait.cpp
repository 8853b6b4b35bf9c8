#include "money/import_wait.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pqxx/pqxx>

#include <chrono>

namespace linkledger::money {
namespace {

// The offer's lock as lock_sale takes it (order_lock.cpp), tried: free unless an import holds it.
constexpr char const* k_try_offer_shared = "SELECT pg_try_advisory_xact_lock_shared(1281, hashtext($1::text))";

} // namespace

net::awaitable<void> wait_for_offer_import(db::database& db, std::int64_t offer_id)
{
    net::steady_timer pause(co_await net::this_coro::executor);
    while (true) {
        auto const free = co_await db.run([&offer_id](pqxx::connection& conn) {
            pqxx::work tx(conn);
            return tx.exec_params1(k_try_offer_shared, offer_id)[0].as<bool>();
        });
        if (free)
            co_return;
        pause.expires_after(std::chrono::milliseconds(100));
        co_await pause.async_wait(net::use_awaitable);
    }
}

} // namespace linkledger::money
