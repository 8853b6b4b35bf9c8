#include "events/connection_pool.hpp"

#include <cerrno>

#include <sys/socket.h>

namespace linkledger::events {
namespace {

// A receiver that closed an idle connection (keep-alive timeout, restart) has sent its FIN
// already in most cases: a peek sees the end (0) or stray bytes, and neither is reusable.
// Only "nothing to read yet" means the connection is as we left it.
bool looks_open(boost::asio::ip::tcp::socket& socket)
{
    if (!socket.is_open())
        return false;
    char byte = 0;
    auto const n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

} // namespace

boost::beast::tcp_stream& webhook_connection::tcp()
{
    return tls ? tls->next_layer() : *plain;
}

void webhook_connection::close()
{
    if (!plain && !tls)
        return;
    // No TLS close_notify: the receiver has had its answer read, and waiting for its side of
    // a polite shutdown would only hold the slot.
    boost::system::error_code ignored;
    tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    tcp().close();
}

connection_pool::connection_pool(std::size_t capacity, std::chrono::milliseconds idle_limit)
    : capacity_(capacity), idle_limit_(idle_limit)
{
}

std::optional<webhook_connection> connection_pool::take(std::string const& origin)
{
    close_expired();
    // The most recently used first: the likeliest to be still open at the other end.
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
        if (it->origin != origin)
            continue;
        auto c = std::move(*it);
        idle_.erase(std::next(it).base());
        if (!looks_open(c.tcp().socket())) {
            c.close();
            return take(origin);
        }
        ++in_use_;
        return c;
    }
    return std::nullopt;
}

void connection_pool::opening()
{
    ++in_use_;
    while (!idle_.empty() && in_use_ + idle_.size() > capacity_) {
        idle_.front().close();
        idle_.pop_front();
    }
}

void connection_pool::release(webhook_connection c, bool reusable)
{
    if (in_use_ > 0)
        --in_use_;
    if (!reusable || capacity_ == 0) {
        c.close();
        return;
    }
    c.tcp().expires_never();
    c.idle_since = std::chrono::steady_clock::now();
    idle_.push_back(std::move(c));
    while (in_use_ + idle_.size() > capacity_) {
        idle_.front().close();
        idle_.pop_front();
    }
}

void connection_pool::close_expired()
{
    auto const now = std::chrono::steady_clock::now();
    while (!idle_.empty() && now - idle_.front().idle_since >= idle_limit_) {
        idle_.front().close();
        idle_.pop_front();
    }
}

void connection_pool::close_all()
{
    for (auto& c : idle_)
        c.close();
    idle_.clear();
}

} // namespace linkledger::events
