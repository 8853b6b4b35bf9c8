// Keeps a redirect_table in step with the links table of PostgreSQL, whichever process
// changed it: LISTEN linkledger_link_changes (sent by a trigger) for changes within a second,
// and a full reload every `full_reload` as a safety net. Runs on its own thread and
// connection; when PostgreSQL is away the table keeps serving what it last knew.
#pragma once

#include "links/redirect_table.hpp"

#include <pqxx/connection>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace linkledger::links {

class link_change_listener {
public:
    link_change_listener(redirect_table& table, std::string database_url,
                         std::chrono::seconds full_reload = std::chrono::seconds(60));
    ~link_change_listener();

    // Loads every link once, on the calling thread; throws when PostgreSQL cannot be read.
    void load_all();
    void start();
    void stop();

private:
    void run();
    void reload_all(pqxx::connection& conn);

    redirect_table& table_;
    std::string database_url_;
    std::chrono::seconds full_reload_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace linkledger::links
