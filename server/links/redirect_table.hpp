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
    // Replaces everything at once (a full reload).
    void replace_all(std::unordered_map<std::string, redirect_entry> entries);
    std::size_t size() const;

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, redirect_entry, string_hash, std::equal_to<>> entries_;
};

} // namespace linkledger::links
