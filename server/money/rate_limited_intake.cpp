#include "money/rate_limited_intake.hpp"

#include "audit/audit_log.hpp"
#include "logging/logging.hpp"
#include "logging/thread_name.hpp"

#include <pqxx/pqxx>

#include <charconv>
#include <ctime>

namespace linkledger::money {
namespace {

// The door and the offer a refused request was for, read from its path as the routes spell it
// (/postback/{offer_id}, /webhooks/{shop}/{offer_id}); the class's name and no offer otherwise.
std::pair<std::string, std::optional<std::int64_t>> door_of(http::route_class c, std::string_view target)
{
    auto path = target.substr(0, target.find('?'));
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        auto const end = path.find('/');
        if (end != 0)
            parts.push_back(path.substr(0, end));
        if (end == std::string_view::npos)
            break;
        path.remove_prefix(end + 1);
    }
    auto const id_of = [](std::string_view text) -> std::optional<std::int64_t> {
        std::int64_t id = 0;
        auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0)
            return std::nullopt;
        return id;
    };
    if (c == http::route_class::postback && parts.size() == 2 && parts[0] == "postback")
        return {"postback", id_of(parts[1])};
    if (c == http::route_class::webhook && parts.size() == 3 && parts[0] == "webhooks" &&
        (parts[1] == "shopify" || parts[1] == "woocommerce"))
        return {std::string(parts[1]), id_of(parts[2])};
    return {std::string(http::route_class_name(c)), std::nullopt};
}

std::string utc_text(std::chrono::system_clock::time_point at)
{
    auto const seconds = std::chrono::system_clock::to_time_t(at);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

} // namespace

rate_limited_intake::rate_limited_intake(db::database& db, http::rate_limiter::limits const& limits,
                                         std::chrono::milliseconds window)
    : db_(db), limits_(limits), window_(window)
{
}

rate_limited_intake::~rate_limited_intake()
{
    stop();
}

void rate_limited_intake::count(http::route_class c, std::string_view client_ip, std::string_view target,
                                std::chrono::system_clock::time_point now)
{
    if (c != http::route_class::postback && c != http::route_class::webhook)
        return;
    auto [door, offer_id] = door_of(c, target);
    auto client = http::bucket_key(client_ip);
    std::lock_guard lock(counts_mutex_);
    key k{static_cast<std::size_t>(c), door, offer_id, client};
    auto it = counts_.find(k);
    if (it == counts_.end()) {
        // Sources past the cap share one entry per class: the map, and the entries a window
        // writes, stay bounded however many addresses a flood comes from.
        std::size_t told_apart = 0;
        for (auto const& [counted, source] : counts_)
            told_apart += source.client.empty() ? 0 : 1;
        if (told_apart >= k_max_sources)
            k = key{static_cast<std::size_t>(c), std::string(http::route_class_name(c)), std::nullopt, ""};
        it = counts_.find(k);
        if (it == counts_.end()) {
            auto const& [route, named_door, named_offer, named_client] = k;
            it = counts_.emplace(k, rate_limited_source{c, named_door, named_offer, named_client, 0, now, now}).first;
        }
    }
    ++it->second.refused;
    it->second.last = now;
}

std::vector<rate_limited_source> rate_limited_intake::take()
{
    std::map<key, rate_limited_source> taken;
    {
        std::lock_guard lock(counts_mutex_);
        taken.swap(counts_);
    }
    std::vector<rate_limited_source> out;
    out.reserve(taken.size());
    for (auto& [k, source] : taken)
        out.push_back(std::move(source));
    return out;
}

std::size_t rate_limited_intake::write(pqxx::connection& conn, std::vector<rate_limited_source> const& sources,
                                       http::rate_limiter::limits const& limits)
{
    if (sources.empty())
        return 0;
    pqxx::work tx(conn);
    for (auto const& source : sources) {
        bool const postback = source.route == http::route_class::postback;
        auto const offer = source.offer_id ? std::to_string(*source.offer_id) : std::string("?");
        audit::entry e;
        e.actor_kind = postback ? "postback" : "webhook";
        e.actor_id = source.offer_id;
        e.actor_name = source.client.empty() ? source.door + ", other sources" : source.door + " offer " + offer;
        e.action = postback ? "postback.rate_limited" : "webhook.rate_limited";
        e.summary = "refused=" + std::to_string(source.refused) + " from=" + utc_text(source.first) +
                    " to=" + utc_text(source.last) + " limit=" + limits[static_cast<std::size_t>(source.route)].text() +
                    " (answered 429, nothing booked: the sender should retry)";
        if (source.client.empty())
            e.summary += "; from more sources than the " + std::to_string(k_max_sources) + " told apart in a minute";
        e.ip = source.client;
        audit::record(tx, e);
    }
    tx.commit();
    return sources.size();
}

void rate_limited_intake::start()
{
    thread_ = std::thread([this] {
        logging::name_this_thread("ll-rate-audit");
        run();
    });
}

void rate_limited_intake::stop()
{
    {
        std::lock_guard lock(mutex_);
        if (stopped_)
            return;
        stopping_ = stopped_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
    write_taken();
}

void rate_limited_intake::write_taken()
{
    auto const sources = take();
    if (sources.empty())
        return;
    try {
        db_.run_blocking([&](pqxx::connection& conn) { return write(conn, sources, limits_); });
    } catch (std::exception const& e) {
        std::uint64_t refused = 0;
        for (auto const& source : sources)
            refused += source.refused;
        logging::warn("rate-limited intake not audited: {error}", {{"error", e.what()}, {"refused", refused}});
    }
}

void rate_limited_intake::run()
{
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, window_, [this] { return stopping_; })) {
        lock.unlock();
        write_taken();
        lock.lock();
    }
}

} // namespace linkledger::money
