#include "links/link_change_listener.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <charconv>
#include <set>

namespace linkledger::links {
namespace {

constexpr char const* k_channel = "linkledger_link_changes";
constexpr char const* k_select_all =
    "SELECT id, slug, target_url, active, deleted_at IS NOT NULL FROM links";
constexpr char const* k_select_one =
    "SELECT id, slug, target_url, active, deleted_at IS NOT NULL FROM links WHERE id = $1";

class change_receiver : public pqxx::notification_receiver {
public:
    change_receiver(pqxx::connection_base& conn, std::set<std::int64_t>& changed)
        : pqxx::notification_receiver(conn, k_channel), changed_(changed)
    {
    }
    void operator()(std::string const& payload, int) override
    {
        std::int64_t id = 0;
        auto const [ptr, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
        if (ec == std::errc{} && ptr == payload.data() + payload.size())
            changed_.insert(id);
    }

private:
    std::set<std::int64_t>& changed_;
};

} // namespace

link_change_listener::link_change_listener(redirect_table& table, std::string database_url,
                                           std::chrono::seconds full_reload)
    : table_(table), database_url_(std::move(database_url)), full_reload_(full_reload)
{
}

link_change_listener::~link_change_listener()
{
    stop();
}

void link_change_listener::reload_all(pqxx::connection& conn)
{
    std::unordered_map<std::string, redirect_entry> entries;
    table_.begin_reload();
    pqxx::read_transaction tx(conn);
    for (auto const& row : tx.exec(k_select_all))
        entries[row[1].as<std::string>()] = {row[0].as<std::int64_t>(), row[2].as<std::string>(),
                                             row[3].as<bool>(), row[4].as<bool>()};
    auto const count = entries.size();
    table_.replace_all(std::move(entries));
    spdlog::debug("redirect table reloaded links={}", count);
}

void link_change_listener::load_all()
{
    pqxx::connection conn(database_url_);
    reload_all(conn);
    spdlog::info("redirect table loaded links={}", table_.size());
}

void link_change_listener::start()
{
    thread_ = std::thread([this] { run(); });
}

void link_change_listener::stop()
{
    stopping_ = true;
    if (thread_.joinable())
        thread_.join();
}

void link_change_listener::run()
{
    int failures = 0;
    while (!stopping_) {
        try {
            pqxx::connection conn(database_url_);
            std::set<std::int64_t> changed;
            change_receiver receiver(conn, changed);
            // Changes made while we were away are only visible to a full reload.
            reload_all(conn);
            if (failures > 0)
                spdlog::info("link change listener: reconnected after {} failed attempts, links={}", failures,
                             table_.size());
            failures = 0;
            auto next_reload = std::chrono::steady_clock::now() + full_reload_;
            while (!stopping_) {
                conn.await_notification(0, 200000);
                if (!changed.empty()) {
                    pqxx::read_transaction tx(conn);
                    for (auto const id : changed) {
                        auto const rows = tx.exec_params(k_select_one, id);
                        if (!rows.empty())
                            table_.put(rows[0][1].as<std::string>(),
                                       {rows[0][0].as<std::int64_t>(), rows[0][2].as<std::string>(),
                                        rows[0][3].as<bool>(), rows[0][4].as<bool>()});
                    }
                    changed.clear();
                }
                if (std::chrono::steady_clock::now() >= next_reload) {
                    reload_all(conn);
                    next_reload = std::chrono::steady_clock::now() + full_reload_;
                }
            }
        } catch (std::exception const& e) {
            // Retried every second; one line a minute is enough while the database stays down.
            if (failures++ % 60 == 0)
                spdlog::warn("link change listener: {}; redirects use the links already loaded (attempt {})",
                             e.what(), failures);
            for (int i = 0; i < 10 && !stopping_; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

} // namespace linkledger::links
