#include "links/link_change_listener.hpp"

#include "logging/logging.hpp"
#include "logging/thread_name.hpp"

#include <pqxx/pqxx>

#include <charconv>
#include <set>

namespace linkledger::links {
namespace {

constexpr char const* k_channel = "linkledger_link_changes";
// Everything a redirect needs, smart-redirect settings included. The human clicks so far are
// read only for links with a click budget (max_clicks), from the daily totals.
#define LL_REDIRECT_COLUMNS                                                                           \
    "SELECT id, slug, target_url, active, deleted_at IS NOT NULL, COALESCE(video_id::text, ''), "    \
    "forward_query, rules::text, (extract(epoch FROM valid_from) * 1000000)::bigint, "               \
    "(extract(epoch FROM valid_until) * 1000000)::bigint, COALESCE(max_clicks, 0), "                 \
    "COALESCE(expired_url, ''), open_in_browser = 'auto', "                                          \
    "CASE WHEN max_clicks IS NULL THEN 0 ELSE (SELECT COALESCE(sum(t.clicks), 0) "                   \
    "FROM click_totals_daily t WHERE t.link_id = links.id) END, revision FROM links"
constexpr char const* k_select_all = LL_REDIRECT_COLUMNS;
constexpr char const* k_select_one = LL_REDIRECT_COLUMNS " WHERE id = $1";
#undef LL_REDIRECT_COLUMNS

std::optional<instant> optional_instant(pqxx::field const& f)
{
    if (f.is_null())
        return std::nullopt;
    return instant(std::chrono::duration_cast<instant::duration>(std::chrono::microseconds(f.as<std::int64_t>())));
}

redirect_entry entry_of(pqxx::row const& row)
{
    redirect_entry e;
    e.id = row[0].as<std::int64_t>();
    e.slug = row[1].as<std::string>();
    e.target_url = row[2].as<std::string>();
    e.active = row[3].as<bool>();
    e.deleted = row[4].as<bool>();
    e.video_id = row[5].as<std::string>();
    e.forward_query = row[6].as<bool>();
    e.rules_json = row[7].as<std::string>();
    e.valid_from = optional_instant(row[8]);
    e.valid_until = optional_instant(row[9]);
    e.max_clicks = row[10].as<std::int64_t>();
    e.expired_url = row[11].as<std::string>();
    e.open_in_browser = row[12].as<bool>();
    e.clicks_at_load = row[13].as<std::int64_t>();
    e.revision = row[14].as<std::int64_t>();
    return e;
}

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
        entries[row[1].as<std::string>()] = entry_of(row);
    auto const count = entries.size();
    table_.replace_all(std::move(entries));
    logging::debug("redirect table reloaded", {{"links", count}});
}

void link_change_listener::load_all()
{
    pqxx::connection conn(database_url_);
    reload_all(conn);
    logging::info("redirect table loaded", {{"links", table_.size()}});
}

void link_change_listener::start()
{
    thread_ = std::thread([this] {
        logging::name_this_thread("ll-link-changes");
        run();
    });
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
                logging::info("link change listener: reconnected after {failures} failed attempts,",
                              {{"failures", failures}, {"links", table_.size()}});
            failures = 0;
            auto next_reload = std::chrono::steady_clock::now() + full_reload_;
            while (!stopping_) {
                conn.await_notification(0, 200000);
                if (!changed.empty()) {
                    pqxx::read_transaction tx(conn);
                    for (auto const id : changed) {
                        auto const rows = tx.exec_params(k_select_one, id);
                        if (!rows.empty())
                            table_.put(rows[0][1].as<std::string>(), entry_of(rows[0]));
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
                logging::warn("link change listener: {error}; redirects use the links already loaded (attempt {attempt})",
                              {{"error", e.what()}, {"attempt", failures}});
            for (int i = 0; i < 10 && !stopping_; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

} // namespace linkledger::links
