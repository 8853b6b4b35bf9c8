#include "http/idempotency_key.hpp"

#include "crypto/digest.hpp"
#include "http/http_error.hpp"

namespace linkledger::http {
namespace {

http_error bad_key(std::string const& message)
{
    return bad_field(k_idempotency_key_header, message);
}

} // namespace

std::optional<std::string> idempotency_key(request const& req)
{
    auto const count = req.count(k_idempotency_key_header);
    if (count == 0)
        return std::nullopt;
    if (count > 1)
        throw bad_key("send one Idempotency-Key header, not " + std::to_string(count));
    std::string key(req[k_idempotency_key_header]);
    bool const quoted = key.size() >= 2 && key.front() == '"' && key.back() == '"';
    if (quoted)
        key = key.substr(1, key.size() - 2);
    if (key.empty() || key.size() > k_max_idempotency_key_bytes)
        throw bad_key("Idempotency-Key must be 1 to 255 characters (a UUID does well)");
    for (char const c : key) {
        // In quotes a '"' or '\' would be an escape of a Structured Field string: not taken,
        // so that one key has one spelling.
        bool const printable = c >= 0x20 && c <= 0x7e && !(quoted && (c == '"' || c == '\\'));
        if (!printable)
            throw bad_key("Idempotency-Key must be printable ASCII characters (a UUID does well)");
    }
    return key;
}

std::array<unsigned char, 32> request_fingerprint(request const& req)
{
    // A newline cannot occur in a method or a request-target: the three parts cannot be
    // shifted into one another to make two requests one fingerprint.
    std::string text;
    text.reserve(req.method_string().size() + req.target().size() + req.body().size() + 2);
    text.append(req.method_string()).append("\n").append(req.target()).append("\n").append(req.body());
    return crypto::sha256(text);
}

response kept_response(kept_answer const& answer)
{
    response res{static_cast<status>(answer.status), 11};
    res.set(bhttp::field::content_type, "application/json; charset=utf-8");
    res.set(bhttp::field::cache_control, "no-store");
    if (answer.replayed)
        res.set(k_idempotent_replayed_header, "true");
    res.body() = answer.body;
    return res;
}

} // namespace linkledger::http
