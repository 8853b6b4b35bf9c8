#include "events/webhook_sender.hpp"

#include "events/webhook_signer.hpp"
#include "metrics/prometheus_text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace linkledger::events {
namespace {

namespace net = boost::asio;

constexpr char const* k_channel = "linkledger_webhooks";

class wake_receiver : public pqxx::notification_receiver {
public:
    wake_receiver(pqxx::connection_base& conn, std::function<void()> on_wake)
        : pqxx::notification_receiver(conn, k_channel), on_wake_(std::move(on_wake))
    {
    }
    void operator()(std::string const&, int) override { on_wake_(); }

private:
    std::function<void()> on_wake_;
};

double jitter_unit()
{
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

} // namespace

sender_settings sender_settings_from_environment(std::string public_url)
{
    sender_settings s;
    s.public_url = std::move(public_url);
    if (char const* allow = std::getenv("LINKLEDGER_WEBHOOK_ALLOW_PRIVATE"); allow && *allow) {
        std::string_view const v(allow);
        if (v == "1" || v == "true")
            s.allow_private = true;
        else if (v != "0" && v != "false")
            throw std::invalid_argument("LINKLEDGER_WEBHOOK_ALLOW_PRIVATE must be 1 or 0");
    }
    if (char const* schedule = std::getenv("LINKLEDGER_WEBHOOK_RETRY_SCHEDULE"); schedule && *schedule) {
        try {
            s.schedule = retry_schedule::parse(schedule);
        } catch (std::invalid_argument const&) {
            throw std::invalid_argument(
                "LINKLEDGER_WEBHOOK_RETRY_SCHEDULE must be delays in seconds, comma separated (\"5,300,1800\")");
        }
    }
    return s;
}

webhook_sender::webhook_sender(std::string database_url, sender_settings settings)
    : database_url_(std::move(database_url)), settings_(std::move(settings)),
      client_(settings_.allow_private, settings_.timeout)
{
}

webhook_sender::~webhook_sender()
{
    stop();
}

void webhook_sender::start()
{
    work_.emplace(io_.get_executor());
    io_thread_ = std::thread([this] { io_.run(); });
    dispatcher_ = std::thread([this] { dispatch_loop(); });
    listener_ = std::thread([this] { listen_loop(); });
}

void webhook_sender::stop()
{
    if (stopping_.exchange(true))
        return;
    wake();
    if (listener_.joinable())
        listener_.join();
    if (dispatcher_.joinable())
        dispatcher_.join();
    work_.reset();
    if (io_thread_.joinable())
        io_thread_.join();
}

void webhook_sender::wake()
{
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    changed_.notify_all();
}

void webhook_sender::listen_loop()
{
    while (!stopping_) {
        try {
            pqxx::connection conn(database_url_);
            wake_receiver receiver(conn, [this] { wake(); });
            wake(); // events may have come while we were not listening
            while (!stopping_)
                conn.await_notification(0, 200'000);
        } catch (std::exception const& e) {
            spdlog::warn("webhook listener: {}; polling meanwhile", e.what());
            for (int i = 0; i < 10 && !stopping_; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

void webhook_sender::begin(claimed_delivery d)
{
    auto const timestamp =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto body = webhook_body(d.event, d.format, settings_.public_url, d.language);
    std::vector<std::pair<std::string, std::string>> headers;
    if (d.format == "standard") {
        headers.emplace_back("webhook-id", d.message_id);
        headers.emplace_back("webhook-timestamp", std::to_string(timestamp));
        headers.emplace_back("webhook-signature", signature_header(d.secrets, d.message_id, timestamp, body));
    }
    net::co_spawn(io_, exchange(std::move(d), std::move(body), std::move(headers)), net::detached);
}

net::awaitable<void> webhook_sender::exchange(claimed_delivery d, std::string body,
                                              std::vector<std::pair<std::string, std::string>> headers)
{
    finished f{std::move(d), {}};
    try {
        f.result = co_await client_.post(f.delivery.url, std::move(body), std::move(headers));
    } catch (std::exception const& e) {
        f.result.error = e.what();
    }
    {
        std::lock_guard lock(mutex_);
        finished_.push_back(std::move(f));
        --in_flight_;
        woken_ = true;
    }
    changed_.notify_all();
}

void webhook_sender::record(pqxx::connection& conn, std::deque<finished>& batch)
{
    if (batch.empty())
        return;
    pqxx::work tx(conn);
    for (auto const& f : batch) {
        auto const& d = f.delivery;
        auto const& r = f.result;
        attempt_outcome o;
        o.response_code = r.status;
        o.latency_ms = r.latency.count();
        o.response_head = r.body_head;
        o.error = r.error;
        o.success = r.status && *r.status >= 200 && *r.status < 300;
        bool const gone = r.status && *r.status == 410;
        std::optional<std::chrono::seconds> retry_after;
        if (r.retry_after)
            retry_after = parse_retry_after(*r.retry_after, std::time(nullptr));
        auto const retry_in = o.success ? std::nullopt : settings_.schedule.next_delay(d.attempt, retry_after, jitter_unit());
        auto const disabled = record_attempt(tx, d, o, retry_in, gone, settings_.failure_limit);
        if (o.success)
            ++succeeded_;
        else if (r.refused)
            ++refused_;
        else if (r.status)
            ++failed_http_;
        else
            ++failed_network_;
        if (!o.success && (!retry_in || gone))
            ++gave_up_;
        if (o.success)
            spdlog::debug("webhook delivered delivery_id={} endpoint_id={} attempt={} status={} ms={}", d.id,
                          d.endpoint_id, d.attempt, *r.status, o.latency_ms);
        else
            spdlog::info("webhook attempt failed delivery_id={} endpoint_id={} attempt={} status={} error={} next_in_ms={}",
                         d.id, d.endpoint_id, d.attempt, r.status ? std::to_string(*r.status) : "none", r.error,
                         retry_in && !gone ? std::to_string(retry_in->count()) : "never");
        if (disabled) {
            ++disabled_;
            spdlog::warn("webhook endpoint disabled endpoint_id={} reason={}", d.endpoint_id, *disabled);
        }
    }
    tx.commit();
    batch.clear();
}

void webhook_sender::dispatch_loop()
{
    auto next_prune = std::chrono::steady_clock::now();
    auto next_stats = std::chrono::steady_clock::now();
    std::deque<finished> batch;
    int failures = 0;
    while (true) {
        try {
            pqxx::connection conn(database_url_);
            while (true) {
                {
                    std::unique_lock lock(mutex_);
                    changed_.wait_for(lock, settings_.poll, [this] { return woken_ || !finished_.empty(); });
                    woken_ = false;
                    while (!finished_.empty()) {
                        batch.push_back(std::move(finished_.front()));
                        finished_.pop_front();
                    }
                }
                // A batch that failed to be written is kept and written after reconnecting.
                record(conn, batch);
                failures = 0;
                int free_slots = 0;
                {
                    std::lock_guard lock(mutex_);
                    if (stopping_ && in_flight_ == 0 && finished_.empty())
                        return;
                    free_slots = stopping_ ? 0 : settings_.max_in_flight - in_flight_;
                }
                while (free_slots > 0) {
                    auto claimed = claim_due(conn, free_slots, settings_.lease);
                    if (claimed.empty())
                        break;
                    {
                        std::lock_guard lock(mutex_);
                        in_flight_ += static_cast<int>(claimed.size());
                    }
                    free_slots -= static_cast<int>(claimed.size());
                    for (auto& d : claimed)
                        begin(std::move(d));
                }
                in_flight_gauge_ = settings_.max_in_flight - free_slots;
                auto const now = std::chrono::steady_clock::now();
                if (now >= next_stats) {
                    auto const stats = read_queue_stats(conn);
                    pending_ = stats.pending;
                    oldest_pending_seconds_ = stats.oldest_pending_seconds;
                    next_stats = now + std::chrono::seconds(2);
                }
                if (now >= next_prune) {
                    if (auto const pruned = prune(conn, settings_.retention_days); pruned > 0)
                        spdlog::info("webhook deliveries pruned count={} older_than_days={}", pruned,
                                     settings_.retention_days);
                    next_prune = now + std::chrono::hours(1);
                }
            }
        } catch (std::exception const& e) {
            if (failures++ % 60 == 0)
                spdlog::warn("webhook sender: {}; retrying (attempt {})", e.what(), failures);
            {
                std::lock_guard lock(mutex_);
                // Stopping with the database gone: what is in flight ends by its deadline; its
                // outcome cannot be written, and the lease makes it due again after a restart.
                if (stopping_ && in_flight_ == 0 && finished_.empty() && batch.empty())
                    return;
            }
            std::this_thread::sleep_for(std::chrono::seconds(1));
            if (stopping_ && failures > 30)
                return;
        }
    }
}

void webhook_sender::render_metrics(metrics::prometheus_text& out) const
{
    out.family("linkledger_webhook_attempts_total", "counter",
               "Webhook delivery attempts by outcome: success (2xx), http_error (another status), "
               "network_error (no answer: timeout, refused connection, TLS), refused (address or scheme not allowed)");
    out.sample("linkledger_webhook_attempts_total", {{"outcome", "success"}}, succeeded_.load());
    out.sample("linkledger_webhook_attempts_total", {{"outcome", "http_error"}}, failed_http_.load());
    out.sample("linkledger_webhook_attempts_total", {{"outcome", "network_error"}}, failed_network_.load());
    out.sample("linkledger_webhook_attempts_total", {{"outcome", "refused"}}, refused_.load());
    out.family("linkledger_webhook_deliveries_failed_total", "counter",
               "Webhook deliveries given up on (attempts used up, or the endpoint answered 410)");
    out.sample("linkledger_webhook_deliveries_failed_total", {}, gave_up_.load());
    out.family("linkledger_webhook_endpoints_disabled_total", "counter",
               "Webhook endpoints this instance disabled (410, or 20 failures in a row)");
    out.sample("linkledger_webhook_endpoints_disabled_total", {}, disabled_.load());
    out.family("linkledger_webhook_queue_depth", "gauge",
               "Webhook deliveries waiting to be sent or retried (active endpoints, all instances)");
    out.sample("linkledger_webhook_queue_depth", {}, static_cast<double>(pending_.load()));
    out.family("linkledger_webhook_oldest_pending_seconds", "gauge",
               "Age of the oldest webhook delivery not yet done");
    out.sample("linkledger_webhook_oldest_pending_seconds", {}, oldest_pending_seconds_.load());
    out.family("linkledger_webhook_in_flight", "gauge", "Webhook exchanges under way on this instance");
    out.sample("linkledger_webhook_in_flight", {}, static_cast<double>(in_flight_gauge_.load()));
}

} // namespace linkledger::events
