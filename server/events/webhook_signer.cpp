#include "events/webhook_signer.hpp"

#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace linkledger::events {
namespace {

constexpr std::string_view k_prefix = "whsec_";

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.empty() || text.size() % 4 != 0)
        return std::nullopt;
    std::string out(text.size() / 4 * 3, '\0');
    int const n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<unsigned char const*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts the padding's zero bytes in its length: take them off.
    std::size_t padding = 0;
    if (text.back() == '=')
        ++padding;
    if (text.size() > 1 && text[text.size() - 2] == '=')
        ++padding;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

} // namespace

std::string make_webhook_secret()
{
    unsigned char bytes[32];
    crypto::random_bytes(bytes, sizeof bytes);
    std::string secret(k_prefix);
    secret += crypto::base64(std::string_view(reinterpret_cast<char const*>(bytes), sizeof bytes));
    return secret;
}

std::optional<std::string> secret_key(std::string_view secret)
{
    if (!secret.starts_with(k_prefix))
        return std::nullopt;
    return base64_decode(secret.substr(k_prefix.size()));
}

std::string sign(std::string_view secret, std::string_view message_id, std::int64_t timestamp,
                 std::string_view body)
{
    auto const key = secret_key(secret);
    if (!key)
        throw std::invalid_argument("a webhook secret must be whsec_ and base64");
    std::string message;
    message.reserve(message_id.size() + body.size() + 24);
    message.append(message_id);
    message.push_back('.');
    message.append(std::to_string(timestamp));
    message.push_back('.');
    message.append(body);
    crypto::hmac_sha256 mac(*key);
    std::string out = "v1,";
    out += crypto::base64(mac.mac(message));
    return out;
}

std::string signature_header(std::vector<std::string> const& secrets, std::string_view message_id,
                             std::int64_t timestamp, std::string_view body)
{
    std::string out;
    for (auto const& secret : secrets) {
        if (!out.empty())
            out.push_back(' ');
        out += sign(secret, message_id, timestamp, body);
    }
    return out;
}

} // namespace linkledger::events
