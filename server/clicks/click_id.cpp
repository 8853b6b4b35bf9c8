#include "clicks/click_id.hpp"

#include "crypto/random.hpp"

#include <array>

namespace linkledger::clicks {
namespace {

constexpr std::string_view k_crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int crockford_value(char c)
{
    auto const pos = k_crockford.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

} // namespace

std::string new_click_id(std::chrono::system_clock::time_point now)
{
    std::string out;
    new_click_id(out, now);
    return out;
}

void new_click_id(std::string& out, std::chrono::system_clock::time_point now)
{
    auto const millis = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    std::array<unsigned char, 16> bytes{};
    for (int i = 0; i < 6; ++i)
        bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(millis >> (40 - 8 * i));
    crypto::buffered_random_bytes(bytes.data() + 6, 10);

    // 128 bits as 26 base32 digits: the first digit holds the top 3 bits (130 - 128 = 2 spare).
    out.assign(k_click_id_length, '0');
    unsigned __int128 value = 0;
    for (auto byte : bytes)
        value = (value << 8) | byte;
    for (std::size_t i = k_click_id_length; i-- > 0;) {
        out[i] = k_crockford[static_cast<std::size_t>(value & 0x1f)];
        value >>= 5;
    }
}

bool is_valid_click_id(std::string_view id)
{
    if (id.size() != k_click_id_length || crockford_value(id[0]) > 7)
        return false;
    for (char c : id)
        if (crockford_value(c) < 0)
            return false;
    return true;
}

std::string canonical_click_id(std::string_view text)
{
    std::string id(text);
    for (char& c : id) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        if (c == 'I' || c == 'L')
            c = '1';
        else if (c == 'O')
            c = '0';
    }
    return is_valid_click_id(id) ? id : std::string(text);
}

std::uint64_t click_id_millis(std::string_view id)
{
    std::uint64_t value = 0;
    // The first 10 digits hold 50 bits: 2 spare zero bits then the 48-bit timestamp.
    for (std::size_t i = 0; i < 10 && i < id.size(); ++i)
        value = (value << 5) | static_cast<std::uint64_t>(crockford_value(id[i]));
    return value;
}

} // namespace linkledger::clicks
