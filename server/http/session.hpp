// One client connection, request after request, in named steps: wait for a request to begin,
// read its header, admit it (rate limits), judge it before its body (route, credentials, size),
// read the body, answer it, send the answer (after the group commit of clicks), record it
// (metrics, access log). Private to the listener.
#pragma once

#include "http/listener.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace linkledger::http {

struct listener::connection {
    explicit connection(net::ip::tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    std::uint64_t id = 0;
    bool busy = false;    // a request is being read past its header, handled or answered
    bool closing = false; // close after the response in flight
};

// One of the few turns to read (and handle) a large body; given back when destroyed.
class listener::large_body_turn {
public:
    large_body_turn(std::shared_ptr<large_body_gate> gate, std::string client_key, bool anonymous)
        : gate_(std::move(gate)), client_key_(std::move(client_key)), anonymous_(anonymous)
    {
    }
    large_body_turn(large_body_turn&& other) noexcept
        : gate_(std::move(other.gate_)), client_key_(std::move(other.client_key_)), anonymous_(other.anonymous_)
    {
    }
    large_body_turn& operator=(large_body_turn&& other) noexcept
    {
        give_back();
        gate_ = std::move(other.gate_);
        client_key_ = std::move(other.client_key_);
        anonymous_ = other.anonymous_;
        return *this;
    }
    ~large_body_turn() { give_back(); }

private:
    void give_back()
    {
        if (gate_)
            gate_->give_back(client_key_, anonymous_);
        gate_.reset();
    }

    std::shared_ptr<large_body_gate> gate_;
    std::string client_key_;
    bool anonymous_ = true;
};

class listener::session {
public:
    session(listener& owner, std::shared_ptr<connection> conn);
    session(session const&) = delete;
    session& operator=(session const&) = delete;
    // Forgets the connection: its slot under max_connections is free again, even when the
    // coroutine ends with an exception (and the listener still exists).
    ~session();

    net::awaitable<void> run();

private:
    // What one request carries from step to step; reset for the next one.
    struct exchange {
        std::optional<bhttp::request_parser<bhttp::string_body>> parser;
        std::string const* client = nullptr; // the address that made the request
        std::optional<response> early;       // refused before its body was read
        std::size_t route = 0;
        std::optional<principal> who;         // found before the body, on authenticated routes
        std::optional<large_body_turn> turn;  // held until the answer is sent
        response res;
        bool keep_alive = false;
        std::string method = "-";
        std::string path = "-";
        std::chrono::steady_clock::time_point started;
    };

    // Each step: false when the connection ends there (closed, timed out, not HTTP).
    // Before waiting for the next request to begin (the wait itself is in run()).
    void prepare_to_wait();
    // Drops CR and LF bytes before a request line; true when there were some.
    bool skip_blank_lines();
    // The redirect's quick road (issue 18): a plain GET or HEAD whose whole head is in the
    // buffer, to a route with a quick handler that takes it, is answered from the head alone
    // (no parser, no request or response object). Declined: nothing was read or done, and the
    // full road below takes the same bytes.
    struct quick_answer {
        std::size_t route;
        unsigned status;
        std::string_view method;
        std::string path;
        std::chrono::steady_clock::time_point started;
        bool keep_alive;
    };
    // Puts the answer's bytes in wire_ and takes the head out of the buffer; run() writes them.
    std::optional<quick_answer> answer_quickly();
    // The full road, through the steps below; false when the connection ends after it.
    net::awaitable<bool> answer_fully();
    net::awaitable<bool> read_header(exchange& x);
    net::awaitable<void> admit(exchange& x);
    net::awaitable<bool> judge_before_body(exchange& x);
    net::awaitable<bool> read_body(exchange& x);
    net::awaitable<void> answer(exchange& x);
    net::awaitable<bool> send(exchange& x);
    // Writes wire_, once this thread's staged clicks are on their way to the disk (the barrier:
    // pending, then flushed after the other requests of this loop turn have staged theirs).
    net::awaitable<bool> write_wire();
    // Writes what the socket takes of wire_ now, without waiting: nearly every answer fits its
    // send buffer, and then needs no asynchronous write, no timer armed and cancelled around it
    // and no turn through the scheduler (0.65 of 10.2 µs of CPU per redirect, bench/RESULTS.md).
    // The rest, if any, is for an asynchronous write under the request's deadline. Sets ec
    // only when the connection failed.
    std::size_t write_at_once(boost::system::error_code& ec);
    // The rest of wire_ after the first `written` bytes, under the request's deadline: a frame
    // of its own, made only for the rare answer the socket did not take whole.
    net::awaitable<boost::system::error_code> write_rest(std::size_t written);
    bool barrier_pending() const;
    void flush_barrier() const;
    void record(std::size_t route, unsigned status, std::string_view method, std::string_view path,
                std::chrono::steady_clock::time_point started) const;
    // After a refusal: what is still coming is read and dropped for a moment, so the kernel
    // does not reset the connection under our answer.
    net::awaitable<void> drain_refused();

    listener& owner_;
    std::shared_ptr<bool const> owner_alive_;
    std::shared_ptr<connection> conn_;
    // Bounded: Beast limits neither a chunk's extensions nor the trailer fields, and buffers
    // either whole before parsing it (a gigabyte of "1;xxx..." held a gigabyte).
    beast::flat_buffer buffer_{k_max_buffered_bytes};
    std::string wire_; // the answer's bytes, lent by this thread until they are written
    std::string remote_ip_;
    net::ip::address peer_;
    bool behind_proxy_ = false;  // only a trusted proxy's connection carries other clients
    std::string forwarded_ip_;   // the client named by a trusted proxy, per request
    bool refused_ = false;       // answered before the whole request was read
};

} // namespace linkledger::http
