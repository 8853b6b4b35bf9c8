// Smart redirects (issue 14): a link's rules, its target templates with placeholders, and
// the merge of the visitor's query. Everything here is compiled once when a link changes
// (parse_rules, compile_target) so that GET /{slug} only compares small values and
// concatenates strings: no JSON, no URL parsing of the link's settings per request.
//
// Rules are stored in links.rules as the normalized JSON parse_rules returns (every list a
// JSON array, countries upper-case, languages lower-case, instants in UTC), so what the API
// answers is what the redirect runs.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::links {

using instant = std::chrono::system_clock::time_point;

inline constexpr std::size_t k_max_rules = 20;
// A Location longer than this forwards none of the visitor's query.
inline constexpr std::size_t k_max_location_bytes = 8 * 1024;

// Bits for the classification values a rule can ask for. A rule's mask of 0 means "any".
enum device_bits : std::uint8_t { device_mobile = 1, device_tablet = 2, device_desktop = 4 };
std::uint8_t device_bit(std::string_view device);
std::uint8_t os_bit(std::string_view os);            // ios android windows macos linux other
std::uint16_t in_app_bit(std::string_view in_app);   // the apps, and "none"

struct query_condition {
    std::string name;                 // decoded
    std::optional<std::string> value; // decoded; nothing: the parameter only has to be present
};

struct rule_conditions {
    std::uint8_t devices = 0;
    std::uint8_t systems = 0;
    std::uint16_t apps = 0;
    std::vector<std::string> countries; // upper-case ISO 3166 alpha-2
    std::vector<std::string> languages; // lower-case primary tags
    std::vector<query_condition> query; // any of them
    std::optional<instant> after;       // holds from this instant on
    std::optional<instant> before;      // holds until just before this instant
};

// A target with its placeholders found once: literal text and placeholders in turn.
enum class placeholder : std::uint8_t { none, click_id, slug, source, video_id, country };
struct target_template {
    struct part {
        std::string literal;
        placeholder then = placeholder::none; // substituted after the literal
    };
    std::vector<part> parts;
    bool empty() const { return parts.empty(); }
};

struct link_rule {
    rule_conditions when;
    std::string target_url;
    target_template target;
};

// The values a visit offers to rules and placeholders; classification is done already.
struct visit {
    std::uint8_t device = 0;
    std::uint8_t os = 0;
    std::uint16_t in_app = 0;
    std::string_view country;
    std::string_view accept_language; // parsed only when a rule asks for a language
    std::string_view raw_query;       // after '?', as sent; empty when none
    instant now;
};

struct placeholder_values {
    std::string_view click_id, slug, source, video_id, country;
};

// Parses and checks a rules array from the API. Throws http::bad_field naming the exact
// place, e.g. "rules[3].if.country[1]"; returns the typed rules and their normalized JSON.
struct checked_rules {
    std::vector<link_rule> rules;
    boost::json::array normalized;
};
checked_rules parse_rules(boost::json::value const& value, std::string const& field = "rules");
// The stored (already checked) rules; nothing when they no longer parse.
std::optional<std::vector<link_rule>> rules_from_json_text(std::string_view json);

// The index of the first rule whose conditions all hold, or -1.
int first_matching_rule(std::vector<link_rule> const& rules, visit const& v);
bool rules_ask_for_language(std::vector<link_rule> const& rules);

// The primary tag of the first language listed in an Accept-Language header, lower-case
// ("fr" for "fr-CA,fr;q=0.9,en;q=0.5"), or empty.
std::string first_language(std::string_view accept_language);

target_template compile_target(std::string_view target);
// The template with each placeholder replaced by its value, percent-encoded.
std::string render_target(target_template const& t, placeholder_values const& values);
// The same into `out` (replacing what it held): the redirect reuses one buffer.
void render_target(std::string& out, target_template const& t, placeholder_values const& values);

// `location` with the visitor's query parameters added, byte for byte as sent, before any
// #fragment; a parameter the location already has keeps the location's value. Nothing when
// the result would exceed k_max_location_bytes (the caller keeps `location` as it was).
std::optional<std::string> with_visitor_query(std::string_view location, std::string_view raw_query);

// ISO 8601 instants: "2026-11-25", "2026-11-25T18:00", "2026-11-25T18:00:00.123Z",
// "2026-11-25T19:00:00+01:00". A time without a zone is UTC.
std::optional<instant> parse_instant(std::string_view text);
// "2026-11-25T18:00:00Z" (milliseconds when there are some).
std::string format_instant(instant at);

} // namespace linkledger::links
