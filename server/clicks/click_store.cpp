#include "clicks/click_store.hpp"

namespace linkledger::clicks {
namespace {

constexpr char const* k_insert_click = R"sql(
INSERT INTO clicks (click_id, link_id, at, ip_anon, user_agent, referer,
                    utm_source, utm_medium, utm_campaign, utm_term, utm_content)
VALUES ($1, $2, to_timestamp($3::bigint / 1000000.0), $4, $5, $6, $7, $8, $9, $10, $11)
)sql";

} // namespace

void insert_click(pqxx::transaction_base& tx, click const& c)
{
    auto const micros =
        std::chrono::duration_cast<std::chrono::microseconds>(c.at.time_since_epoch()).count();
    tx.exec_params(k_insert_click, c.click_id, c.link_id, static_cast<long long>(micros),
                   c.ip_anon, c.user_agent, c.referer, c.utm_source, c.utm_medium,
                   c.utm_campaign, c.utm_term, c.utm_content);
}

} // namespace linkledger::clicks
