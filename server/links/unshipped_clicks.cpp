#include "links/unshipped_clicks.hpp"

#include "clicks/journal_checkpoint.hpp"
#include "logging/logging.hpp"

#include <pqxx/pqxx>

namespace linkledger::links {

std::unordered_map<std::int64_t, std::int64_t> unshipped_human_clicks(clicks::click_journal const& journal,
                                                                      std::optional<clicks::journal_position> checkpoint)
{
    std::unordered_map<std::int64_t, std::int64_t> out;
    if (!checkpoint)
        return out;
    clicks::journal_batch batch;
    for (auto from = *checkpoint;;) {
        journal.read_into(from, 5000, batch);
        // A read that decodes nothing may still pass a torn stretch: the end is where none moves.
        if (batch.clicks.empty() && batch.next == from)
            return out;
        for (auto const& c : batch.clicks)
            if (!c.bot)
                ++out[c.link_id];
        from = batch.next;
    }
}

void count_unshipped_clicks(redirect_table& table, pqxx::connection& conn, clicks::click_journal const& journal,
                            std::string const& node_id)
{
    bool const budgets = [&] {
        pqxx::read_transaction tx(conn);
        return tx.exec1("SELECT EXISTS (SELECT 1 FROM links WHERE max_clicks IS NOT NULL AND deleted_at IS NULL)")[0]
            .as<bool>();
    }();
    if (!budgets)
        return;
    auto by_link = unshipped_human_clicks(journal, clicks::load_checkpoint(conn, node_id));
    std::int64_t total = 0;
    for (auto const& [link_id, clicks] : by_link)
        total += clicks;
    if (total > 0)
        logging::info("click budgets: {clicks} human clicks in the journal are not shipped yet and count against their links",
                      {{"clicks", total}, {"links", static_cast<std::int64_t>(by_link.size())}});
    table.add_unshipped_clicks(std::move(by_link));
}

} // namespace linkledger::links
