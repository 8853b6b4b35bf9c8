#include "clicks/visitor_salts.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"

#include <pqxx/pqxx>

#include <charconv>
#include <cstdio>

namespace linkledger::clicks {
namespace {

// Two nodes may make a salt for the same day at once: the first insert wins, both read it back.
constexpr char const* k_insert_salt =
    "INSERT INTO daily_salts (day, salt) VALUES ($1::date, decode($2, 'hex')) ON CONFLICT DO NOTHING";
constexpr char const* k_select_salt = "SELECT encode(salt, 'hex') FROM daily_salts WHERE day = $1::date";

std::string from_hex(std::string const& hex)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

} // namespace

std::string utc_day(std::chrono::system_clock::time_point at)
{
    auto const days = std::chrono::floor<std::chrono::days>(at);
    // Almost every click of a batch falls on the same day as the one before.
    thread_local std::chrono::sys_days cached_day{};
    thread_local std::string cached_text;
    if (days == cached_day && !cached_text.empty())
        return cached_text;
    std::chrono::year_month_day const ymd{days};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    cached_day = days;
    cached_text = text;
    return cached_text;
}

void visitor_salts::visitor_hash(pqxx::connection& conn, click const& c, std::string const& day, std::string& hex)
{
    // Built in a buffer kept from click to click, into the caller's string: no allocation.
    message_.clear();
    message_.append(c.ip_anon).push_back('\0');
    message_.append(c.user_agent).push_back('\0');
    char link[24];
    message_.append(link, std::to_chars(link, link + sizeof link, c.link_id).ptr).push_back('\0');
    message_.append(day);
    auto const mac = key_for(conn, day).mac_bytes(message_);
    crypto::to_hex_into({reinterpret_cast<char const*>(mac.data()), mac.size()}, hex);
}

crypto::hmac_sha256& visitor_salts::key_for(pqxx::connection& conn, std::string const& day)
{
    if (auto const it = keys_.find(day); it != keys_.end())
        return it->second;
    unsigned char fresh[32];
    crypto::random_bytes(fresh, sizeof fresh);
    pqxx::work tx(conn);
    tx.exec_params(k_insert_salt, day, crypto::to_hex({reinterpret_cast<char const*>(fresh), sizeof fresh}));
    auto const salt = from_hex(tx.exec_params1(k_select_salt, day)[0].as<std::string>());
    tx.commit();
    return keys_.emplace(day, crypto::hmac_sha256(salt)).first->second;
}

void visitor_salts::forget_before(std::string const& day)
{
    for (auto it = keys_.begin(); it != keys_.end();)
        it = it->first < day ? keys_.erase(it) : std::next(it);
}

} // namespace linkledger::clicks
