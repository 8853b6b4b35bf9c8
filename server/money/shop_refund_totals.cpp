#include "money/shop_refund_totals.hpp"

#include "money/amount.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <limits>

namespace linkledger::money {
namespace {

// Sums in numeric, capped at the bigint range. [0] all the money returned, [1] the subtotal parts
// of the refunds that carry one, [2] the money of those that are a share of their order.
constexpr char const* k_refunds_of_order = R"sql(
SELECT LEAST(COALESCE(sum(amount_minor), 0), 9223372036854775807)::bigint,
       LEAST(COALESCE(sum(subtotal_minor) FILTER (WHERE NOT share_of_order), 0), 9223372036854775807)::bigint,
       LEAST(COALESCE(sum(amount_minor) FILTER (WHERE share_of_order), 0), 9223372036854775807)::bigint
FROM shop_refunds WHERE offer_id = $1 AND txid = $2 AND currency = $3
)sql";

std::int64_t capped_sum(std::int64_t a, std::int64_t b)
{
    std::int64_t out = 0;
    return __builtin_add_overflow(a, b, &out) ? std::numeric_limits<std::int64_t>::max() : out;
}

} // namespace

std::int64_t refunded_of_order(pqxx::transaction_base& tx, offer const& o, std::string const& txid,
                               std::string const& currency, order_bases const& bases)
{
    auto const row = tx.exec_params1(k_refunds_of_order, o.id, txid, currency);
    if (o.commission_base == "total")
        return row[0].as<std::int64_t>();
    auto const shared = row[2].as<std::int64_t>();
    // The order's share of the sum, rounded once (the header says why).
    auto const share = bases.total_minor > 0
                           ? divide_half_even(static_cast<__int128>(shared) * bases.subtotal_minor, bases.total_minor)
                           : 0;
    return capped_sum(row[1].as<std::int64_t>(),
                      static_cast<std::int64_t>(std::clamp<__int128>(share, 0, shared)));
}

} // namespace linkledger::money
