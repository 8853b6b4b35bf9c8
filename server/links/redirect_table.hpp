// Every link's slug -> what its redirect needs, in memory, so a redirect never waits on
// PostgreSQL. Loaded at start and kept fresh by link_change_listener (LISTEN/NOTIFY plus a
// periodic full reload) and by links_api's own changes. A link's smart-redirect settings
// (rules, validity, forwarding, escape) are compiled into its entry here, once per change:
// the redirect reads the compiled form only.
#pragma once

#include "links/smart_link.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace linkledger::links {

struct redirect_entry {
    redirect_entry() = default;
    // A plain link (no smart-redirect settings), as the tests and fuzzers make them.
    redirect_entry(std::int64_t link_id, std::string target, bool is_active, bool is_deleted)
        : id(link_id), target_url(std::move(target)), active(is_active), deleted(is_deleted)
    {
    }

    std::int64_t id = 0;
    std::string target_url;
    bool active = true;
    bool deleted = false;

    // The settings as stored (filled by whoever builds the entry).
    std::string slug;
    std::string video_id;            // "" when the link has no video
    bool forward_query = true;
    std::string rules_json = "[]";   // the normalized rules
    std::optional<instant> valid_from, valid_until;
    std::int64_t max_clicks = 0;     // 0: no limit
    std::string expired_url;         // "" : the 410 page once past
    bool open_in_browser = false;    // "auto"
    std::int64_t clicks_at_load = 0; // human clicks in PostgreSQL when the entry was built
    // links.revision of the row read (0: not read from PostgreSQL). Of two versions of a link the
    // table keeps the higher, whichever is put last: a read made on a notification can arrive
    // after the API's own put of a later edit.
    std::int64_t revision = 0;

    // Compiled by the table when the entry is put (compile_entry).
    bool compiled = false;
    bool problem_warned = false; // a stored problem was logged (compile_entry says it once)
    target_template target;
    target_template expired;
    std::vector<link_rule> rules;
    bool rules_ask_for_language = false;
    // Human clicks this process has served since it started, shared by every version of the
    // entry; `served_at_load` is its value when this version was built. The click budget then
    // counts clicks_at_load + (served - served_at_load), where clicks_at_load is the larger of
    // PostgreSQL's count and what the previous version had counted: exact within a process,
    // and across instances short by what the others have not shipped yet (README: may
    // overshoot by what is in flight).
    std::shared_ptr<std::atomic<std::int64_t>> served;
    std::int64_t served_at_load = 0;
};

// Fills the compiled members from the stored ones. Rules that no longer parse (never the
// case for rules the API wrote) are dropped with a warning: the link still redirects.
// `previous` is the version the entry replaces: a problem it had with the same stored texts
// was warned of already, and a full reload every minute would otherwise say it again each time.
void compile_entry(redirect_entry& entry, redirect_entry const* previous = nullptr);

class redirect_table {
public:
    using entry_ptr = std::shared_ptr<redirect_entry const>;
    // The entry as it is now; later changes make a new entry, this one stays valid.
    entry_ptr find(std::string_view slug) const;
    void put(std::string const& slug, redirect_entry entry);
    // A full reload reads a snapshot while the API may put links it has just written: those
    // puts are kept and laid over the snapshot, or a link created during the read would
    // vanish until its notification arrives. Call before reading the snapshot.
    void begin_reload();
    // Replaces everything at once with the snapshot plus the puts made since begin_reload (the
    // later of the two for a link). The snapshot wins over what was held before: were revisions
    // ever to go back (a database restored to an earlier point), a reload still serves what the
    // database holds, where put() alone would keep the held version until the link's revision
    // passed it.
    void replace_all(std::unordered_map<std::string, redirect_entry> entries);
    std::size_t size() const;
    // Human clicks per link that this node redirected before a restart and has not shipped:
    // PostgreSQL's count lacks them, so the first version of each link's entry adds them.
    // Call before the first load.
    void add_unshipped_clicks(std::unordered_map<std::int64_t, std::int64_t> by_link);

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    // Whether `held` is a later version of the same link than `offered`.
    static bool later(redirect_entry const& held, redirect_entry const& offered)
    {
        return held.id == offered.id && held.revision > offered.revision;
    }
    // Carries the served-clicks counter over from the entry it replaces (with mutex_ held).
    void keep_counter(std::string const& slug, redirect_entry& entry);

    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, entry_ptr, string_hash, std::equal_to<>> entries_;
    std::optional<std::unordered_map<std::string, redirect_entry>> puts_during_reload_;
    std::unordered_map<std::int64_t, std::int64_t> unshipped_; // taken by each link's first entry
};

} // namespace linkledger::links
