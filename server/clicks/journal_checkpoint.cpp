#include "clicks/journal_checkpoint.hpp"

#include <pqxx/pqxx>

namespace linkledger::clicks {
namespace {

constexpr char const* k_load_checkpoint =
    "SELECT segment, byte_offset FROM journal_checkpoints WHERE node_id = $1";

constexpr char const* k_save_checkpoint = R"sql(
INSERT INTO journal_checkpoints (node_id, segment, byte_offset, shipped, updated_at)
VALUES ($1, $2, $3, $4, now())
ON CONFLICT (node_id) DO UPDATE
SET segment = EXCLUDED.segment, byte_offset = EXCLUDED.byte_offset,
    shipped = journal_checkpoints.shipped + EXCLUDED.shipped, updated_at = now()
)sql";

} // namespace

std::optional<journal_position> load_checkpoint(pqxx::connection& conn, std::string const& node_id)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(k_load_checkpoint, node_id);
    if (rows.empty())
        return std::nullopt;
    return journal_position{rows[0][0].as<std::uint64_t>(), rows[0][1].as<std::uint64_t>()};
}

void save_checkpoint(pqxx::transaction_base& tx, std::string const& node_id, journal_position next,
                     std::uint64_t shipped)
{
    tx.exec_params(k_save_checkpoint, node_id, next.segment, next.offset, static_cast<long long>(shipped));
}

} // namespace linkledger::clicks
