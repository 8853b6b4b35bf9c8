#include "links/redirect_table.hpp"

#include <mutex>

namespace linkledger::links {

std::optional<redirect_entry> redirect_table::find(std::string_view slug) const
{
    std::shared_lock lock(mutex_);
    auto const it = entries_.find(slug);
    if (it == entries_.end())
        return std::nullopt;
    return it->second;
}

void redirect_table::put(std::string const& slug, redirect_entry entry)
{
    std::unique_lock lock(mutex_);
    if (puts_during_reload_)
        (*puts_during_reload_)[slug] = entry;
    entries_[slug] = std::move(entry);
}

void redirect_table::begin_reload()
{
    std::unique_lock lock(mutex_);
    puts_during_reload_.emplace();
}

void redirect_table::replace_all(std::unordered_map<std::string, redirect_entry> entries)
{
    std::unordered_map<std::string, redirect_entry, string_hash, std::equal_to<>> fresh(
        std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
    std::unique_lock lock(mutex_);
    if (puts_during_reload_) {
        for (auto& [slug, entry] : *puts_during_reload_)
            fresh[slug] = std::move(entry);
        puts_during_reload_.reset();
    }
    entries_.swap(fresh);
}

std::size_t redirect_table::size() const
{
    std::shared_lock lock(mutex_);
    return entries_.size();
}

} // namespace linkledger::links
