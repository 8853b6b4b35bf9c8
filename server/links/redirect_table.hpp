// Every link's slug -> target in memory, so a redirect never waits on PostgreSQL. Loaded at
// start and kept fresh by link_change_listener (LISTEN/NOTIFY plus a periodic full reload).
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace linkledger::links {

struct redirect_entry {
    std::int64_t id = 0;
    std::string target_url;
    bool active = true;
    bool deleted = false;
};

class redirect_table {
public:
    std::optional<redirect_entry> find(std::string_view slug) const;
    void put(std::string const& slug, redirect_entry entry);
    // A full reload reads a snapshot while the API may put links it has just written: those
    // puts are kept and laid over the snapshot, or a link created during the read would
    // vanish until its notification arrives. Call before reading the snapshot.
    void begin_reload();
    // Replaces everything at once with the snapshot plus the puts made since begin_reload.
    void replace_all(std::unordered_map<std::string, redirect_entry> entries);
    std::size_t size() const;

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, redirect_entry, string_hash, std::equal_to<>> entries_;
    std::optional<std::unordered_map<std::string, redirect_entry>> puts_during_reload_;
};

} // namespace linkledger::links
