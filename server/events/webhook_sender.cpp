#include "events/webhook_sender.hpp"

#include "events/webhook_signer.hpp"
#include "logging/logging.hpp"
#include "logging/thread_name.hpp"
#include "metrics/prometheus_text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace linkledger::events {
namespace {

namespace net = boost::asio;

constexpr char const* k_channel = "linkledger_webhooks";
// How far the dispatcher claims ahead of its free slots: up to this many times max_in_flight
// deliveries held (in flight or queued here), refilled when fewer than max_in_flight are
// queued, so one transaction claims a dozen or more rather than the one or two that just
// ended. A queued delivery is leased like one in flight; it is started only while its lease
// has more than a timeout left (k_lease_margin), and given back unsent otherwise.
// 8: at a steady 500/s a claim takes the 50 that fell due in k_steady_gather (below), which
// 4 x 8 = 32 would cut short (bench/RESULTS.md, 2026-12-04).
constexpr int k_claim_ahead = 8;
constexpr auto k_lease_margin = std::chrono::seconds(5);
// When deliveries fall due at a steady pace (sales as they come) rather than as a backlog,
// claiming each as soon as it is due makes a transaction (a claim, a commit, a WAL flush,
// and most of PostgreSQL's cost per event) for one or two of them. Claims are then spaced
// at least this far apart, so each takes what fell due meanwhile: 50 at 500/s, for at most
// this much more latency, which no receiver notices. Results are written with the next
// claim, or this long after the first of them ended, whichever comes first. 100 ms rather
// than 50 took PostgreSQL's extra CPU at a steady 500/s from about 0.48 s in 10 s to 0.2-0.3,
// and the redirects' loss beside it from -5.8 % to -3.1 % (medians of 8 and 6 runs,
// bench/RESULTS.md, 2026-12-04).
constexpr auto k_steady_gather = std::chrono::milliseconds(100);

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

// Normal priority by default. SCHED_IDLE (LINKLEDGER_WEBHOOK_PRIORITY=idle) makes every
// redirect come first, but a thread under it gets almost no CPU while the cores are busy, so
// deliveries do not keep pace with events for as long as redirects saturate the machine: in
// bench/webhooks.sh, events falling due at 500/s beside wrk were delivered at 257-471/s and
// lagged seconds behind, and a longer flood would only add to the lag. Since claims are
// batched, keeping that pace at normal priority cost the redirects less than this machine's
// run-to-run noise (medians -5.7 % and -2.0 %, bench/RESULTS.md); what it does cost is a
// backlog caught up at full speed beside a flood (-17 to -19 % while it lasts), which the
// outbox could have waited out. A switch back from SCHED_IDLE when deliveries fall behind
// is not an option: leaving it needs CAP_SYS_NICE or an RLIMIT_NICE that neither the systemd
// unit (DynamicUser) nor Docker's defaults give. Nice 10 is the fallback where SCHED_IDLE is
// refused.
void lower_this_thread_priority(bool idle)
{
    if (!idle)
        return;
    sched_param none{};
    if (::sched_setscheduler(0, SCHED_IDLE, &none) != 0)
        ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
}

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
    if (char const* timeout = std::getenv("LINKLEDGER_WEBHOOK_TIMEOUT_MS"); timeout && *timeout) {
        std::string_view const v(timeout);
        int ms = 0;
        auto const [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
        // Under the claim's lease (60 s), so a live sender's claim never lapses mid-exchange.
        if (ec != std::errc{} || end != v.data() + v.size() || ms < 100 || ms > 30'000)
            throw std::invalid_argument("LINKLEDGER_WEBHOOK_TIMEOUT_MS must be milliseconds from 100 to 30000");
        s.timeout = std::chrono::milliseconds(ms);
    }
    if (char const* priority = std::getenv("LINKLEDGER_WEBHOOK_PRIORITY"); priority && *priority) {
        std::string_view const v(priority);
        if (v == "idle")
            s.idle_priority = true;
        else if (v != "normal")
            throw std::invalid_argument("LINKLEDGER_WEBHOOK_PRIORITY must be idle or normal");
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
      client_(settings_.allow_private, settings_.timeout, static_cast<std::size_t>(settings_.max_in_flight))
{
}

webhook_sender::~webhook_sender()
{
    stop();
}

void webhook_sender::start()
{
    work_.emplace(io_.get_executor());
    io_thread_ = std::thread([this] {
        logging::name_this_thread("ll-hook-io");
        lower_this_thread_priority(settings_.idle_priority);
        io_.run();
    });
    dispatcher_ = std::thread([this] {
        logging::name_this_thread("ll-hook-send");
        lower_this_thread_priority(settings_.idle_priority);
        dispatch_loop();
    });
    listener_ = std::thread([this] {
        logging::name_this_thread("ll-hook-listen");
        lower_this_thread_priority(settings_.idle_priority);
        listen_loop();
    });
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
    // The exchanges have ended; the connections kept for the next ones close with the sender.
    net::post(io_, [this] { client_.close_idle(); });
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
            logging::warn("webhook listener: {error}; polling meanwhile", {{"error", e.what()}});
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

bool webhook_sender::succeeded(post_result const& r)
{
    return r.status && *r.status >= 200 && *r.status < 300 && r.error.empty();
}

void webhook_sender::pace(finished const& f)
{
    // Slots double with each success up to max_in_flight and fall back to one on any failure:
    // a receiver that hangs or trickles holds one slot at a time, a healthy one gets them all.
    auto& p = pace_[f.delivery.endpoint_id];
    --p.in_flight;
    bool const ok = succeeded(f.result);
    p.slots = ok ? std::min(settings_.max_in_flight, p.slots * 2) : 1;
    p.latency = p.latency.count() == 0 ? f.result.latency : (3 * p.latency + f.result.latency) / 4;
    if (!ok)
        give_back(f.delivery.endpoint_id);
}

// A failing endpoint keeps nothing claimed ahead: its queue goes back (due at once, for
// another claim within its one slot), as if it had never been claimed, so a 410 or the
// failure that disables it is written before anything more goes to it.
void webhook_sender::give_back(std::int64_t endpoint_id)
{
    for (auto it = queue_.begin(); it != queue_.end();)
        it = it->delivery.endpoint_id == endpoint_id ? hand_back(it) : std::next(it);
}

// Out of the queue and into the next transaction's release, its endpoint's count kept right.
std::deque<webhook_sender::held>::iterator webhook_sender::hand_back(std::deque<held>::iterator it)
{
    --pace_[it->delivery.endpoint_id].queued;
    to_release_.push_back(std::move(it->delivery));
    return queue_.erase(it);
}

// A queued delivery that waits longer than this is given back (its lease would lapse mid-exchange).
std::chrono::steady_clock::duration webhook_sender::queue_max_age() const
{
    return std::max<std::chrono::steady_clock::duration>(std::chrono::seconds(1),
                                                         settings_.lease - settings_.timeout - k_lease_margin);
}

int webhook_sender::held_limit() const
{
    return settings_.max_in_flight * k_claim_ahead;
}

// No more than its slots can start before queue_max_age at the endpoint's recent latency: a
// receiver that answers well but slowly (seconds) would otherwise have the tail of its queue
// given back unsent, and claimed again, round after round.
int webhook_sender::held_limit(endpoint_pace const& p) const
{
    int limit = held_limit();
    if (p.latency.count() > 0) {
        auto const rounds = std::chrono::duration_cast<std::chrono::milliseconds>(queue_max_age()) / p.latency;
        limit = static_cast<int>(std::min<std::int64_t>(limit, settings_.max_in_flight * std::max<std::int64_t>(rounds, 1)));
    }
    return limit;
}

// Only an endpoint at its full pace is claimed ahead for; one still ramping up (or failing)
// gets its free slots, as before, so a hanging receiver holds one delivery, not a queue.
endpoint_slots webhook_sender::claim_allowance() const
{
    endpoint_slots out;
    out.otherwise = 1;
    for (auto const& [id, p] : pace_) {
        int const hold = p.slots >= settings_.max_in_flight ? held_limit(p) : p.slots;
        out.free_by_endpoint.emplace_back(id, std::max(0, hold - p.in_flight - p.queued));
    }
    return out;
}

void webhook_sender::start_queued(std::chrono::steady_clock::time_point now)
{
    // Started only while the lease has a whole timeout (and a margin) left: the exchange then
    // ends before another instance may claim it again.
    auto const max_age = queue_max_age();
    int free = 0;
    {
        std::lock_guard lock(mutex_);
        free = settings_.max_in_flight - in_flight_;
    }
    std::vector<claimed_delivery> starting;
    for (auto it = queue_.begin(); it != queue_.end() && free > 0;) {
        if (now - it->claimed_at > max_age) {
            it = hand_back(it);
            continue;
        }
        auto& p = pace_[it->delivery.endpoint_id];
        if (p.in_flight >= p.slots) {
            ++it;
            continue;
        }
        --p.queued;
        ++p.in_flight;
        --free;
        starting.push_back(std::move(it->delivery));
        it = queue_.erase(it);
    }
    if (starting.empty())
        return;
    {
        std::lock_guard lock(mutex_);
        in_flight_ += static_cast<int>(starting.size());
    }
    for (auto& d : starting)
        begin(std::move(d));
}

std::vector<webhook_sender::written> webhook_sender::record(pqxx::transaction_base& tx, std::deque<finished> const& batch)
{
    std::vector<written> out(batch.size());
    std::vector<attempt_outcome> outcomes(batch.size());
    // Successes go out together in one statement; a failure (which counts towards disabling
    // its endpoint) is written on its own after the successes before it, so an endpoint's
    // count of failures in a row still follows the order in which the attempts ended.
    std::vector<succeeded_attempt> successes;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto const& d = batch[i].delivery;
        auto const& r = batch[i].result;
        auto& o = outcomes[i];
        o.response_code = r.status;
        o.latency_ms = r.latency.count();
        o.response_head = r.body_head;
        o.error = r.error;
        o.success = succeeded(r);
        if (o.success) {
            successes.push_back({&d, &o});
            continue;
        }
        record_successes(tx, successes);
        successes.clear();
        auto& w = out[i];
        w.gone = r.status && *r.status == 410;
        std::optional<std::chrono::seconds> retry_after;
        if (r.retry_after)
            retry_after = parse_retry_after(*r.retry_after, std::time(nullptr));
        w.retry_in = settings_.schedule.next_delay(d.attempt, retry_after, jitter_unit());
        w.disabled = record_attempt(tx, d, o, w.retry_in, w.gone, settings_.failure_limit);
    }
    record_successes(tx, successes);
    return out;
}

// Counted and logged once the attempts are committed, so a batch written again after a lost
// connection is not counted twice.
void webhook_sender::account(std::deque<finished> const& batch, std::vector<written> const& outcomes)
{
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto const& d = batch[i].delivery;
        auto const& r = batch[i].result;
        auto const& w = outcomes[i];
        bool const success = succeeded(r);
        if (success)
            ++succeeded_;
        else if (r.refused)
            ++refused_;
        else if (r.status && r.error.empty())
            ++failed_http_;
        else
            ++failed_network_;
        if (!success && (!w.retry_in || w.gone))
            ++gave_up_;
        if (success)
            logging::debug("webhook delivered", {{"delivery_id", d.id},
                                                 {"endpoint_id", d.endpoint_id},
                                                 {"attempt", d.attempt},
                                                 {"status", *r.status},
                                                 {"ms", r.latency.count()}});
        else
            logging::info("webhook attempt failed",
                          {{"delivery_id", d.id},
                           {"endpoint_id", d.endpoint_id},
                           {"attempt", d.attempt},
                           r.status ? logging::field{"status", *r.status} : logging::field{"status", "none"},
                           {"error", r.error},
                           w.retry_in && !w.gone ? logging::field{"next_in_ms", w.retry_in->count()}
                                                 : logging::field{"next_in_ms", "never"}});
        if (w.disabled) {
            ++disabled_;
            logging::warn("webhook endpoint disabled", {{"endpoint_id", d.endpoint_id}, {"reason", *w.disabled}});
        }
    }
}

void webhook_sender::dispatch_loop()
{
    using clock = std::chrono::steady_clock;
    auto next_prune = clock::now();
    auto next_stats = next_prune;
    auto next_sweep = next_prune;
    std::deque<finished> batch;
    auto first_unwritten = clock::now();
    auto last_claim = clock::now() - settings_.poll;
    // What the last claim found: as many as it asked for (a backlog: claim again as soon as
    // the queue runs low), some (a steady trickle: again after k_steady_gather), or none
    // (again on a notification, after k_steady_gather too, or at the poll).
    enum class found { all, some, none } last_found = found::none;
    bool notified = true;
    // When the next claim is due by those rules (now or earlier: at once); nothing while enough
    // is held (a queue of max_in_flight, or held_limit() in flight and queued).
    auto const next_claim_at = [&](int in_flight, int queued) -> std::optional<clock::time_point> {
        if (queued >= settings_.max_in_flight || in_flight + queued >= held_limit())
            return std::nullopt;
        if (last_found == found::all)
            return last_claim;
        if (last_found == found::some || notified)
            return last_claim + std::min<clock::duration>(k_steady_gather, settings_.poll);
        return last_claim + settings_.poll;
    };
    int failures = 0;
    while (true) {
        try {
            pqxx::connection conn(database_url_);
            prepare_outbox(conn);
            while (true) {
                auto now = clock::now();
                std::deque<finished> ended;
                bool stopping = false;
                {
                    std::unique_lock lock(mutex_);
                    auto deadline = now + settings_.poll;
                    if (auto const due = next_claim_at(in_flight_, static_cast<int>(queue_.size())))
                        deadline = std::min(deadline, *due);
                    if (!batch.empty() || !to_release_.empty())
                        deadline = std::min(deadline, first_unwritten + k_steady_gather);
                    changed_.wait_until(lock, deadline, [this] { return woken_ || !finished_.empty(); });
                    notified = notified || woken_;
                    woken_ = false;
                    stopping = stopping_;
                    ended.swap(finished_);
                }
                now = clock::now();
                if (!ended.empty() && batch.empty() && to_release_.empty())
                    first_unwritten = now;
                for (auto& f : ended) {
                    pace(f);
                    batch.push_back(std::move(f));
                }
                if (stopping) {
                    // What was claimed ahead goes back at once: another instance, or this one
                    // restarted, sends it without waiting for the lease.
                    for (auto it = queue_.begin(); it != queue_.end();)
                        it = hand_back(it);
                } else {
                    start_queued(now);
                }
                int in_flight = 0;
                {
                    std::lock_guard lock(mutex_);
                    in_flight = in_flight_;
                    if (stopping && in_flight_ == 0 && finished_.empty() && batch.empty() && to_release_.empty())
                        return;
                }
                int const queued = static_cast<int>(queue_.size());
                int const limit = held_limit() - in_flight - queued;
                auto const due = next_claim_at(in_flight, queued);
                bool const want_claim = !stopping && due && now >= *due;
                bool const want_write = (!batch.empty() || !to_release_.empty()) &&
                                        (want_claim || stopping ||
                                         static_cast<int>(batch.size()) >= settings_.max_in_flight ||
                                         now >= first_unwritten + k_steady_gather);
                // One transaction writes the attempts that ended, gives back what is not to be
                // sent, and claims: one commit (one WAL flush) for all. A batch that failed to
                // be written is kept and written after reconnecting.
                std::vector<claimed_delivery> claimed;
                if (want_claim || want_write) {
                    pqxx::work tx(conn);
                    std::vector<std::int64_t> endpoints;
                    for (auto const& f : batch)
                        endpoints.push_back(f.delivery.endpoint_id);
                    for (auto const& d : to_release_)
                        endpoints.push_back(d.endpoint_id);
                    lock_endpoints(tx, std::move(endpoints));
                    auto const outcomes = record(tx, batch);
                    release(tx, to_release_);
                    if (want_claim)
                        claimed = claim_due(tx, limit, settings_.lease, claim_allowance());
                    tx.commit();
                    account(batch, outcomes);
                    batch.clear();
                    to_release_.clear();
                    if (want_claim) {
                        last_claim = now;
                        notified = false;
                        last_found = claimed.empty()                                ? found::none
                                     : static_cast<int>(claimed.size()) == limit ? found::all
                                                                                  : found::some;
                    }
                }
                failures = 0;
                if (!claimed.empty()) {
                    auto const at = clock::now();
                    for (auto& d : claimed) {
                        ++pace_[d.endpoint_id].queued;
                        queue_.push_back({std::move(d), at});
                    }
                    start_queued(at);
                }
                {
                    std::lock_guard lock(mutex_);
                    in_flight_gauge_ = in_flight_;
                }
                if (now >= next_stats) {
                    auto const stats = read_queue_stats(conn);
                    pending_ = stats.pending;
                    oldest_pending_seconds_ = stats.oldest_pending_seconds;
                    next_stats = now + std::chrono::seconds(2);
                }
                if (now >= next_sweep) {
                    net::post(io_, [this] { client_.close_expired(); });
                    next_sweep = now + std::chrono::seconds(5);
                }
                if (now >= next_prune) {
                    if (auto const pruned = prune(conn, settings_.retention_days); pruned > 0)
                        logging::info("webhook deliveries pruned",
                                      {{"count", pruned}, {"older_than_days", settings_.retention_days}});
                    next_prune = now + std::chrono::hours(1);
                }
            }
        } catch (std::exception const& e) {
            if (failures++ % 60 == 0)
                logging::warn("webhook sender: {error}; retrying (attempt {attempt})",
                              {{"error", e.what()}, {"attempt", failures}});
            {
                std::lock_guard lock(mutex_);
                // Stopping with the database gone: what is in flight ends by its deadline; its
                // outcome cannot be written, and the lease makes it (and anything claimed
                // ahead, not given back) due again after a restart.
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
