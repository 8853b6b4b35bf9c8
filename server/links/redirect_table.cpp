#include "links/redirect_table.hpp"

#include "links/target_url.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <mutex>

namespace linkledger::links {

void compile_entry(redirect_entry& entry, redirect_entry const* previous)
{
    if (entry.compiled)
        return;
    // Said of the version this one replaces, with the same stored texts. Only a problem that was
    // warned of counts: a paused link is not checked, and put back with the same target it is.
    bool const said_before = previous && previous->problem_warned && previous->id == entry.id &&
                             previous->target_url == entry.target_url && previous->expired_url == entry.expired_url &&
                             previous->rules_json == entry.rules_json;
    entry.target = compile_target(entry.target_url);
    entry.expired = entry.expired_url.empty() ? target_template{} : compile_target(entry.expired_url);
    entry.rules.clear();
    if (!entry.rules_json.empty() && entry.rules_json != "[]") {
        if (auto rules = rules_from_json_text(entry.rules_json))
            entry.rules = std::move(*rules);
        else {
            if (!said_before)
                logging::warn("link {link_id}: its stored rules do not parse; redirecting to its target",
                              {{"link_id", entry.id}});
            entry.problem_warned = true;
        }
    }
    entry.rules_ask_for_language = rules_ask_for_language(entry.rules);
    // A target stored before placeholders were refused in its host ("https://{source}/x") would
    // let a visitor's utm_source pick where the link sends people: whichever way the entry came
    // (a reload, a notification, the API's own put after an edit that kept it), it is served as
    // inactive until its target is edited. Rules with such targets never compile (above).
    if (entry.active && !entry.deleted)
        for (auto const* url : {&entry.target_url, &entry.expired_url})
            if (auto const problem = url->empty() ? std::nullopt : target_url_problem(*url)) {
                if (!said_before)
                    logging::warn("link {slug} is not served until its target is edited: {problem}",
                                  {{"slug", entry.slug}, {"problem", *problem}});
                entry.problem_warned = true;
                entry.active = false;
                break;
            }
    entry.compiled = true;
}

redirect_table::entry_ptr redirect_table::find(std::string_view slug) const
{
    std::shared_lock lock(mutex_);
    auto const it = entries_.find(slug);
    if (it == entries_.end())
        return nullptr;
    return it->second;
}

void redirect_table::keep_counter(std::string const& slug, redirect_entry& entry)
{
    std::int64_t counted_before = 0;
    if (auto const it = entries_.find(slug); it != entries_.end() && it->second->id == entry.id && it->second->served) {
        auto const& old = *it->second;
        entry.served = old.served;
        counted_before = old.clicks_at_load + (old.served->load() - old.served_at_load);
    } else if (auto const unshipped = unshipped_.find(entry.id); unshipped != unshipped_.end()) {
        counted_before = entry.clicks_at_load + unshipped->second;
        unshipped_.erase(unshipped);
    }
    if (!entry.served)
        entry.served = std::make_shared<std::atomic<std::int64_t>>(0);
    entry.served_at_load = entry.served->load();
    // PostgreSQL's count lacks the clicks still in this process's journal; what the previous
    // version of the entry had counted includes them. The larger of the two loses neither.
    entry.clicks_at_load = std::max(entry.clicks_at_load, counted_before);
}

void redirect_table::put(std::string const& slug, redirect_entry entry)
{
    if (entry.slug.empty())
        entry.slug = slug;
    compile_entry(entry, find(slug).get());
    std::unique_lock lock(mutex_);
    if (auto const held = entries_.find(slug); held != entries_.end() && later(*held->second, entry))
        return;
    keep_counter(slug, entry);
    if (puts_during_reload_)
        (*puts_during_reload_)[slug] = entry;
    entries_[slug] = std::make_shared<redirect_entry const>(std::move(entry));
}

void redirect_table::add_unshipped_clicks(std::unordered_map<std::int64_t, std::int64_t> by_link)
{
    std::unique_lock lock(mutex_);
    for (auto const& [link_id, clicks] : by_link)
        unshipped_[link_id] += clicks;
}

void redirect_table::begin_reload()
{
    std::unique_lock lock(mutex_);
    puts_during_reload_.emplace();
}

void redirect_table::replace_all(std::unordered_map<std::string, redirect_entry> entries)
{
    for (auto& [slug, entry] : entries) {
        if (entry.slug.empty())
            entry.slug = slug;
        compile_entry(entry, find(slug).get());
    }
    std::unique_lock lock(mutex_);
    if (puts_during_reload_) {
        for (auto& [slug, entry] : *puts_during_reload_)
            if (auto const read = entries.find(slug); read == entries.end() || !later(read->second, entry))
                entries[slug] = std::move(entry);
        puts_during_reload_.reset();
    }
    std::unordered_map<std::string, entry_ptr, string_hash, std::equal_to<>> fresh;
    fresh.reserve(entries.size());
    for (auto& [slug, entry] : entries) {
        keep_counter(slug, entry);
        fresh.emplace(slug, std::make_shared<redirect_entry const>(std::move(entry)));
    }
    entries_.swap(fresh);
}

std::size_t redirect_table::size() const
{
    std::shared_lock lock(mutex_);
    return entries_.size();
}

} // namespace linkledger::links
