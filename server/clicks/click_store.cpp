#include "clicks/click_store.hpp"

#include <array>
#include <cstring>

namespace linkledger::clicks {
namespace {

// Bump when the layout changes, and keep reading the older layouts: a data dir may hold
// unshipped clicks written by the previous version. 1: up to bot_reason. 2: then the rule
// (u16, two's complement of the int16).
constexpr std::uint8_t k_format_version = 2;
constexpr std::uint8_t k_format_without_rule = 1;

void put_u64(std::string& out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_text(std::string& out, std::string_view text)
{
    auto const size = static_cast<std::uint32_t>(std::min<std::size_t>(text.size(), 0xffff));
    out.push_back(static_cast<char>(size & 0xff));
    out.push_back(static_cast<char>(size >> 8));
    out.append(text.substr(0, size));
}

class reader {
public:
    explicit reader(std::string_view data) : data_(data) {}
    bool u8(std::uint8_t& v)
    {
        if (data_.empty())
            return false;
        v = static_cast<std::uint8_t>(data_[0]);
        data_.remove_prefix(1);
        return true;
    }
    bool u64(std::uint64_t& v)
    {
        if (data_.size() < 8)
            return false;
        v = 0;
        for (int i = 7; i >= 0; --i)
            v = (v << 8) | static_cast<std::uint8_t>(data_[static_cast<std::size_t>(i)]);
        data_.remove_prefix(8);
        return true;
    }
    bool text(std::string& v)
    {
        if (data_.size() < 2)
            return false;
        auto const size = static_cast<std::size_t>(static_cast<std::uint8_t>(data_[0])) |
                          (static_cast<std::size_t>(static_cast<std::uint8_t>(data_[1])) << 8);
        if (data_.size() < 2 + size)
            return false;
        v.assign(data_.substr(2, size));
        data_.remove_prefix(2 + size);
        return true;
    }
    bool u16(std::uint16_t& v)
    {
        if (data_.size() < 2)
            return false;
        v = static_cast<std::uint16_t>(static_cast<std::uint8_t>(data_[0]) |
                                       (static_cast<std::uint8_t>(data_[1]) << 8));
        data_.remove_prefix(2);
        return true;
    }
    bool done() const { return data_.empty(); }

private:
    std::string_view data_;
};

} // namespace

void append_encoded_click(std::string& out, click const& c)
{
    out.push_back(static_cast<char>(k_format_version));
    put_u64(out, static_cast<std::uint64_t>(
                     std::chrono::duration_cast<std::chrono::microseconds>(c.at.time_since_epoch()).count()));
    put_u64(out, static_cast<std::uint64_t>(c.link_id));
    out.push_back(c.bot ? 1 : 0);
    for (auto const* field : {&c.click_id, &c.ip_anon, &c.user_agent, &c.referer, &c.utm_source,
                              &c.utm_medium, &c.utm_campaign, &c.utm_term, &c.utm_content, &c.source,
                              &c.in_app, &c.device, &c.os, &c.country, &c.bot_reason})
        put_text(out, *field);
    auto const rule = static_cast<std::uint16_t>(c.rule);
    out.push_back(static_cast<char>(rule & 0xff));
    out.push_back(static_cast<char>(rule >> 8));
}

std::string encode_click(click const& c)
{
    std::string out;
    out.reserve(256 + c.user_agent.size() + c.referer.size());
    append_encoded_click(out, c);
    return out;
}

bool decode_click_into(std::string_view payload, click& c)
{
    reader in(payload);
    std::uint8_t version = 0;
    std::uint8_t bot = 0;
    std::uint64_t micros = 0;
    std::uint64_t link_id = 0;
    if (!in.u8(version) || (version != k_format_version && version != k_format_without_rule) ||
        !in.u64(micros) || !in.u64(link_id) ||
        !in.u8(bot))
        return false;
    for (auto* field : {&c.click_id, &c.ip_anon, &c.user_agent, &c.referer, &c.utm_source,
                        &c.utm_medium, &c.utm_campaign, &c.utm_term, &c.utm_content, &c.source,
                        &c.in_app, &c.device, &c.os, &c.country, &c.bot_reason})
        if (!in.text(*field))
            return false;
    c.rule = k_no_rule;
    if (version >= 2) {
        std::uint16_t rule = 0;
        if (!in.u16(rule))
            return false;
        c.rule = static_cast<std::int16_t>(rule);
    }
    if (!in.done())
        return false;
    c.at = std::chrono::system_clock::time_point(
        std::chrono::microseconds(static_cast<std::int64_t>(micros)));
    c.link_id = static_cast<std::int64_t>(link_id);
    c.bot = bot != 0;
    return true;
}

std::optional<click> decode_click(std::string_view payload)
{
    click c;
    if (!decode_click_into(payload, c))
        return std::nullopt;
    return c;
}

} // namespace linkledger::clicks
