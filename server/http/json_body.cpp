#include "http/json_body.hpp"

#include "http/http_error.hpp"
#include "http/json_strict.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>

namespace linkledger::http {

namespace {

boost::json::object parsed_object(request const& req)
{
    boost::system::error_code ec;
    auto value = boost::json::parse(req.body(), ec);
    if (ec)
        throw bad_field("body", "the body must be a JSON object (" + ec.message() + ")",
                        "invalid_json");
    if (!value.is_object())
        throw bad_field("body", "the body must be a JSON object", "invalid_json");
    return std::move(value.as_object());
}

} // namespace

boost::json::object json_object_body(request const& req)
{
    auto object = parsed_object(req);
    refuse_ambiguous_json(req.body());
    return object;
}

boost::json::object json_object_body(request const& req, std::set<std::string>& inexact_keys)
{
    auto object = parsed_object(req);
    auto found = find_ambiguity(req.body());
    refuse_duplicate_key(found);
    inexact_keys = std::move(found.inexact_keys);
    return object;
}

void reject_unknown_fields(boost::json::object const& body,
                           std::initializer_list<std::string_view> allowed)
{
    for (auto const& member : body) {
        if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end())
            throw bad_field(std::string(member.key()),
                            "unknown field '" + std::string(member.key()) + "'", "unknown_field");
    }
}

std::optional<std::string> optional_string(boost::json::object const& body, std::string_view name,
                                           std::size_t max_bytes)
{
    auto const* value = body.if_contains(name);
    if (value == nullptr || value->is_null())
        return std::nullopt;
    if (!value->is_string())
        throw bad_field(std::string(name), std::string(name) + " must be a string");
    auto const& text = value->get_string();
    if (text.size() > max_bytes)
        throw bad_field(std::string(name), std::string(name) + " must be at most " +
                                               std::to_string(max_bytes) + " bytes");
    if (std::any_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        throw bad_field(std::string(name), std::string(name) + " must not hold control characters");
    return std::string(text);
}

bool is_explicit_null(boost::json::object const& body, std::string_view name)
{
    auto const* value = body.if_contains(name);
    return value != nullptr && value->is_null();
}

std::optional<std::int64_t> optional_int(boost::json::object const& body, std::string_view name,
                                         std::int64_t min, std::int64_t max)
{
    auto const* value = body.if_contains(name);
    if (value == nullptr || value->is_null())
        return std::nullopt;
    std::optional<std::int64_t> number;
    if (value->is_int64())
        number = value->get_int64();
    else if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(max))
        number = static_cast<std::int64_t>(value->get_uint64());
    if (!number || *number < min || *number > max)
        throw bad_field(std::string(name), std::string(name) + " must be a whole number from " +
                                               std::to_string(min) + " to " + std::to_string(max));
    return number;
}

std::optional<bool> optional_bool(boost::json::object const& body, std::string_view name)
{
    auto const* value = body.if_contains(name);
    if (value == nullptr || value->is_null())
        return std::nullopt;
    if (!value->is_bool())
        throw bad_field(std::string(name), std::string(name) + " must be true or false");
    return value->get_bool();
}

bool has_utc_offset(std::string_view iso_time)
{
    if (iso_time.size() <= 10 || (iso_time[10] != 'T' && iso_time[10] != 't' && iso_time[10] != ' '))
        return false; // a bare date
    return iso_time.find_first_of("Zz+-", 11) != std::string_view::npos;
}

bool is_bare_date(std::string_view iso_time)
{
    return iso_time.size() == 10 && looks_like_iso_time(iso_time);
}

// A strict RFC 3339 / ISO 8601 grammar, each field in range, so that PostgreSQL never reads
// something else than was meant: it takes 2026-01-01T00:00:00Z+01:00 as an offset of -01:00
// (POSIX sign) and T00:00:60 as 00:01:00. Calendar dates (02-29 in a common year) are left to
// PostgreSQL, whose error the callers answer as a 400.
//   date     = YYYY "-" MM "-" DD
//   time     = HH ":" MM [ ":" SS [ "." 1*9DIGIT ] ]
//   offset   = "Z" / "z" / ("+" / "-") HH [ [":"] MM ]
//   accepted = date [ ("T" / " ") time [ offset ] ]
bool looks_like_iso_time(std::string_view text)
{
    std::size_t at = 0;
    // `count` digits at `at` forming a number in [min, max]; moves past them.
    auto const number = [&](std::size_t count, int min, int max) {
        if (text.size() - at < count)
            return false;
        int value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            char const c = text[at + i];
            if (c < '0' || c > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        at += count;
        return value >= min && value <= max;
    };
    auto const literal = [&](char c) {
        if (at >= text.size() || text[at] != c)
            return false;
        ++at;
        return true;
    };
    auto const next_is = [&](std::string_view any) { return at < text.size() && any.find(text[at]) != any.npos; };

    if (!(number(4, 0, 9999) && literal('-') && number(2, 1, 12) && literal('-') && number(2, 1, 31)))
        return false;
    if (at == text.size())
        return true;
    if (!(literal('T') || literal(' ')))
        return false;
    if (!(number(2, 0, 23) && literal(':') && number(2, 0, 59)))
        return false;
    if (literal(':')) {
        if (!number(2, 0, 59))
            return false;
        if (literal('.')) {
            std::size_t digits = 0;
            while (next_is("0123456789")) {
                ++at;
                ++digits;
            }
            if (digits < 1 || digits > 9)
                return false;
        }
    }
    if (at == text.size())
        return true;
    if (literal('Z') || literal('z'))
        return at == text.size();
    if (!(literal('+') || literal('-')) || !number(2, 0, 23))
        return false;
    if (at == text.size())
        return true;
    literal(':');
    return number(2, 0, 59) && at == text.size();
}

std::optional<std::string> optional_time(boost::json::object const& body, std::string_view name)
{
    auto value = optional_string(body, name, 40);
    if (value && !looks_like_iso_time(*value))
        throw bad_field(std::string(name), std::string(name) +
                                               " must be an ISO 8601 date or time, e.g. 2026-11-25T18:00:00Z");
    return value;
}

std::optional<std::string> checked_time(std::optional<std::string> const& value, std::string const& field)
{
    if (!value || value->empty())
        return std::nullopt;
    if (looks_like_iso_time(*value))
        return value;
    // A query decodes '+' as a space (form encoding), so `from=...T10:00:00+01:00` written
    // unencoded arrives as `...T10:00:00 01:00`. A space there can be nothing but the offset's
    // sign: read it as one rather than refuse what the client meant.
    if (auto const last_space = value->rfind(' '); last_space != std::string::npos) {
        auto repaired = *value;
        repaired[last_space] = '+';
        if (last_space > 10 && looks_like_iso_time(repaired))
            return repaired;
    }
    throw bad_field(field, field + " must be an ISO 8601 date or time, e.g. 2026-11-25T18:00:00Z");
}

std::int64_t path_id(std::string const& text)
{
    std::int64_t id = 0;
    auto const* end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, id);
    if (text.empty() || ec != std::errc{} || ptr != end || id <= 0)
        throw http_error(status::not_found, "not_found", "no such resource", "id");
    return id;
}

} // namespace linkledger::http
