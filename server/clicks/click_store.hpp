// Recording clicks in PostgreSQL. In the walking skeleton a click is inserted as the redirect
// happens; the durable journal and batch writer replace this on the hot path later.
#pragma once

#include <pqxx/transaction_base>

#include <chrono>
#include <cstdint>
#include <string>

namespace linkledger::clicks {

struct click {
    std::string click_id;
    std::int64_t link_id = 0;
    std::chrono::system_clock::time_point at;
    std::string ip_anon;
    std::string user_agent;
    std::string referer;
    std::string utm_source, utm_medium, utm_campaign, utm_term, utm_content;
};

void insert_click(pqxx::transaction_base& tx, click const& c);

} // namespace linkledger::clicks
