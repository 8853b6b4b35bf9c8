#include "links/smart_link.hpp"

#include "http/http_error.hpp"
#include "http/percent_decoding.hpp"
#include "links/target_url.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace linkledger::links {
namespace {

constexpr std::array<std::string_view, 3> k_devices{"mobile", "tablet", "desktop"};
constexpr std::array<std::string_view, 6> k_systems{"ios", "android", "windows", "macos", "linux", "other"};
// The in-app browsers the classifier names; "none" is the last bit, "any" all the others.
constexpr std::array<std::string_view, 10> k_apps{"tiktok",  "instagram", "threads", "facebook", "snapchat",
                                                  "pinterest", "linkedin", "youtube", "x",       "none"};
constexpr std::uint16_t k_any_app = (1u << (k_apps.size() - 1)) - 1;
constexpr std::size_t k_max_values = 50;
constexpr std::size_t k_max_query_text = 200;

template <std::size_t N>
int index_of(std::array<std::string_view, N> const& names, std::string_view value)
{
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == value)
            return static_cast<int>(i);
    return -1;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}


void percent_encode(std::string& out, std::string_view value)
{
    static constexpr char k_hex[] = "0123456789ABCDEF";
    for (char const ch : value) {
        auto const c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 15]);
        }
    }
}

// Calls f(name, value) for each non-empty '&'-separated pair of a raw query, both raw.
template <class F>
void each_pair(std::string_view query, F&& f)
{
    while (!query.empty()) {
        auto const amp = query.find('&');
        auto const pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty())
            continue;
        auto const eq = pair.find('=');
        if (f(pair.substr(0, eq), eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
              eq != std::string_view::npos, pair))
            return;
    }
}

std::string at_index(std::string const& field, std::size_t i)
{
    return field + "[" + std::to_string(i) + "]";
}

// A condition's values: one string or a list of strings, each checked by `check`, which
// returns the normalized value or nothing (then the message names the place).
template <class Check>
std::vector<std::string> string_list(boost::json::value const& value, std::string const& field,
                                     std::string const& expected, Check check)
{
    std::vector<std::string> out;
    boost::json::array single;
    boost::json::array const* items = nullptr;
    if (value.is_string()) {
        single.push_back(value);
        items = &single;
    } else if (value.is_array()) {
        items = &value.as_array();
    } else {
        throw http::bad_field(field, field + " must be a list of " + expected);
    }
    if (items->empty())
        throw http::bad_field(field, field + " must list at least one value");
    if (items->size() > k_max_values)
        throw http::bad_field(field, field + " may list at most 50 values");
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto const place = value.is_string() ? field : at_index(field, i);
        auto const& item = (*items)[i];
        std::optional<std::string> normalized;
        if (item.is_string())
            normalized = check(std::string_view(item.as_string()));
        if (!normalized)
            throw http::bad_field(place, place + " must be " + expected);
        out.push_back(std::move(*normalized));
    }
    return out;
}

template <std::size_t N>
std::string names_of(std::array<std::string_view, N> const& names, std::string_view extra = {})
{
    std::string out;
    for (auto const name : names) {
        if (!out.empty())
            out += ", ";
        out += name;
    }
    if (!extra.empty())
        out.append(", ").append(extra);
    return out;
}

bool plain_text(std::string_view text)
{
    return !text.empty() && text.size() <= k_max_query_text &&
           std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

instant instant_field(boost::json::value const& value, std::string const& field)
{
    if (value.is_string())
        if (auto at = parse_instant(value.as_string()))
            return *at;
    throw http::bad_field(field, field + " must be an ISO 8601 date or time, e.g. 2026-11-25T18:00:00Z");
}

link_rule parse_rule(boost::json::value const& value, std::string const& field, boost::json::object& normalized)
{
    if (!value.is_object())
        throw http::bad_field(field, field + " must be an object with \"if\" and \"target_url\"");
    auto const& object = value.as_object();
    for (auto const& member : object)
        if (member.key() != "if" && member.key() != "target_url")
            throw http::bad_field(field + "." + std::string(member.key()),
                                  "unknown rule member '" + std::string(member.key()) +
                                      "': a rule has \"if\" and \"target_url\"");
    link_rule rule;
    auto const* target = object.if_contains("target_url");
    if (!target || target->is_null())
        throw http::bad_field(field + ".target_url", field + ".target_url is required", "required");
    if (!target->is_string())
        throw http::bad_field(field + ".target_url", field + ".target_url must be a string");
    rule.target_url = std::string(target->as_string());
    if (auto problem = target_url_problem(rule.target_url))
        throw http::bad_field(field + ".target_url", *problem);
    rule.target = compile_target(rule.target_url);

    boost::json::object conditions;
    auto const* when = object.if_contains("if");
    if (!when || when->is_null())
        throw http::bad_field(field + ".if", field + ".if is required (an object of conditions)", "required");
    if (!when->is_object())
        throw http::bad_field(field + ".if", field + ".if must be an object of conditions");
    auto const base = field + ".if";
    for (auto const& member : when->as_object()) {
        std::string const name(member.key());
        auto const place = base + "." + name;
        auto const& v = member.value();
        if (name == "device") {
            auto const values = string_list(v, place, "one of " + names_of(k_devices), [](std::string_view s) {
                return index_of(k_devices, s) >= 0 ? std::optional(std::string(s)) : std::nullopt;
            });
            for (auto const& d : values)
                rule.when.devices |= device_bit(d);
            conditions[name] = boost::json::value_from(values);
        } else if (name == "os") {
            auto const values = string_list(v, place, "one of " + names_of(k_systems), [](std::string_view s) {
                return index_of(k_systems, s) >= 0 ? std::optional(std::string(s)) : std::nullopt;
            });
            for (auto const& o : values)
                rule.when.systems |= os_bit(o);
            conditions[name] = boost::json::value_from(values);
        } else if (name == "in_app") {
            auto const values = string_list(v, place, "one of " + names_of(k_apps, "any"), [](std::string_view s) {
                return s == "any" || index_of(k_apps, s) >= 0 ? std::optional(std::string(s)) : std::nullopt;
            });
            for (auto const& a : values)
                rule.when.apps |= a == "any" ? k_any_app : in_app_bit(a);
            conditions[name] = boost::json::value_from(values);
        } else if (name == "country") {
            rule.when.countries = string_list(v, place, "a two-letter ISO 3166 country code", [](std::string_view s) {
                if (s.size() != 2 || !std::isalpha(static_cast<unsigned char>(s[0])) ||
                    !std::isalpha(static_cast<unsigned char>(s[1])))
                    return std::optional<std::string>();
                std::string upper(s);
                for (auto& c : upper)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                return std::optional(upper);
            });
            conditions[name] = boost::json::value_from(rule.when.countries);
        } else if (name == "language") {
            rule.when.languages = string_list(v, place, "a primary language tag such as \"fr\"", [](std::string_view s) {
                if (s.size() < 2 || s.size() > 3 ||
                    !std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
                    return std::optional<std::string>();
                return std::optional(lower(s));
            });
            conditions[name] = boost::json::value_from(rule.when.languages);
        } else if (name == "query") {
            auto const values = string_list(v, place, "\"name=value\" or \"name\"", [](std::string_view s) {
                auto const eq = s.find('=');
                if (!plain_text(s) || eq == 0)
                    return std::optional<std::string>();
                return std::optional(std::string(s));
            });
            for (auto const& q : values) {
                auto const eq = q.find('=');
                rule.when.query.push_back({q.substr(0, eq), eq == std::string::npos ? std::nullopt
                                                                                    : std::optional(q.substr(eq + 1))});
            }
            conditions[name] = boost::json::value_from(values);
        } else if (name == "after") {
            rule.when.after = instant_field(v, place);
            conditions[name] = format_instant(*rule.when.after);
        } else if (name == "before") {
            rule.when.before = instant_field(v, place);
            conditions[name] = format_instant(*rule.when.before);
        } else {
            throw http::bad_field(place, "unknown condition '" + name +
                                             "': use device, os, in_app, country, language, query, after or before");
        }
    }
    if (rule.when.after && rule.when.before && *rule.when.before <= *rule.when.after)
        throw http::bad_field(base + ".before", base + ".before must be later than " + base + ".after");
    normalized = {{"if", std::move(conditions)}, {"target_url", rule.target_url}};
    return rule;
}

bool holds(rule_conditions const& c, visit const& v, std::string const& language)
{
    if (c.devices && !(c.devices & v.device))
        return false;
    if (c.systems && !(c.systems & v.os))
        return false;
    if (c.apps && !(c.apps & v.in_app))
        return false;
    if (!c.countries.empty() && std::find(c.countries.begin(), c.countries.end(), v.country) == c.countries.end())
        return false;
    if (!c.languages.empty() && std::find(c.languages.begin(), c.languages.end(), language) == c.languages.end())
        return false;
    if (c.after && v.now < *c.after)
        return false;
    if (c.before && v.now >= *c.before)
        return false;
    if (!c.query.empty()) {
        bool any = false;
        each_pair(v.raw_query, [&](std::string_view name, std::string_view value, bool, std::string_view) {
            auto const decoded_name = http::percent_decoded(name, http::plus_sign::space);
            for (auto const& q : c.query) {
                if (q.name == decoded_name && (!q.value || *q.value == http::percent_decoded(value, http::plus_sign::space))) {
                    any = true;
                    return true;
                }
            }
            return false;
        });
        if (!any)
            return false;
    }
    return true;
}

bool digits(std::string_view text, std::size_t count, int& out)
{
    if (text.size() < count)
        return false;
    out = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])))
            return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

} // namespace

std::uint8_t device_bit(std::string_view device)
{
    auto const i = index_of(k_devices, device);
    return i < 0 ? 0 : static_cast<std::uint8_t>(1u << i);
}

std::uint8_t os_bit(std::string_view os)
{
    auto const i = index_of(k_systems, os);
    return static_cast<std::uint8_t>(1u << (i < 0 ? k_systems.size() - 1 : static_cast<std::size_t>(i)));
}

std::uint16_t in_app_bit(std::string_view in_app)
{
    auto const i = index_of(k_apps, in_app);
    // An app the rules cannot name (a new one in the classifier) is still an in-app browser:
    // "any" holds for it, none of the named apps does.
    if (i < 0)
        return static_cast<std::uint16_t>(1u << 15);
    return static_cast<std::uint16_t>(1u << i);
}

checked_rules parse_rules(boost::json::value const& value, std::string const& field)
{
    if (!value.is_array())
        throw http::bad_field(field, field + " must be a list of rules");
    auto const& items = value.as_array();
    if (items.size() > k_max_rules)
        throw http::bad_field(field, field + " may hold at most 20 rules", "too_many_rules");
    checked_rules out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        boost::json::object normalized;
        out.rules.push_back(parse_rule(items[i], at_index(field, i), normalized));
        out.normalized.push_back(std::move(normalized));
    }
    return out;
}

std::optional<std::vector<link_rule>> rules_from_json_text(std::string_view json)
{
    try {
        return parse_rules(boost::json::parse(json)).rules;
    } catch (std::exception const&) {
        return std::nullopt;
    }
}

bool rules_ask_for_language(std::vector<link_rule> const& rules)
{
    return std::any_of(rules.begin(), rules.end(), [](link_rule const& r) { return !r.when.languages.empty(); });
}

int first_matching_rule(std::vector<link_rule> const& rules, visit const& v)
{
    std::string language;
    bool language_read = false;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (!rules[i].when.languages.empty() && !language_read) {
            language = first_language(v.accept_language);
            language_read = true;
        }
        if (holds(rules[i].when, v, language))
            return static_cast<int>(i);
    }
    return -1;
}

std::string first_language(std::string_view header)
{
    // "fr-CA,fr;q=0.9": the first range, up to ',' or ';', then its primary subtag.
    auto range = header.substr(0, header.find_first_of(",;"));
    while (!range.empty() && (range.front() == ' ' || range.front() == '\t'))
        range.remove_prefix(1);
    range = range.substr(0, range.find_first_of("-_ \t"));
    if (range.size() < 2 || range.size() > 8 ||
        !std::all_of(range.begin(), range.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
        return {};
    return lower(range);
}

target_template compile_target(std::string_view target)
{
    struct name_of {
        std::string_view text;
        placeholder which;
    };
    static constexpr std::array<name_of, 5> k_names{{{"click_id", placeholder::click_id},
                                                     {"slug", placeholder::slug},
                                                     {"source", placeholder::source},
                                                     {"video_id", placeholder::video_id},
                                                     {"country", placeholder::country}}};
    target_template t;
    std::string literal;
    std::size_t i = 0;
    while (i < target.size()) {
        // "{name}" or, where an editor encoded the braces, "%7Bname%7D" (any case).
        std::size_t open = 0, close = 0;
        if (target[i] == '{')
            open = 1, close = 1;
        else if (target[i] == '%' && target.size() - i >= 3 && target[i + 1] == '7' &&
                 (target[i + 2] == 'B' || target[i + 2] == 'b'))
            open = 3, close = 3;
        bool matched = false;
        if (open > 0) {
            for (auto const& n : k_names) {
                auto const rest = target.substr(i + open);
                if (!rest.starts_with(n.text))
                    continue;
                auto const tail = rest.substr(n.text.size());
                bool const closes = close == 1 ? tail.starts_with("}")
                                               : tail.size() >= 3 && tail[0] == '%' && tail[1] == '7' &&
                                                     (tail[2] == 'D' || tail[2] == 'd');
                if (!closes)
                    continue;
                t.parts.push_back({std::move(literal), n.which});
                literal.clear();
                i += open + n.text.size() + close;
                matched = true;
                break;
            }
        }
        if (!matched)
            literal.push_back(target[i++]);
    }
    if (!literal.empty() || t.parts.empty())
        t.parts.push_back({std::move(literal), placeholder::none});
    return t;
}

std::string render_target(target_template const& t, placeholder_values const& values)
{
    std::string out;
    render_target(out, t, values);
    return out;
}

void render_target(std::string& out, target_template const& t, placeholder_values const& values)
{
    out.clear();
    std::size_t size = 0;
    for (auto const& p : t.parts)
        size += p.literal.size() + (p.then == placeholder::none ? 0 : 32);
    out.reserve(size);
    for (auto const& p : t.parts) {
        out += p.literal;
        switch (p.then) {
        case placeholder::none:
            break;
        case placeholder::click_id:
            percent_encode(out, values.click_id);
            break;
        case placeholder::slug:
            percent_encode(out, values.slug);
            break;
        case placeholder::source:
            percent_encode(out, values.source);
            break;
        case placeholder::video_id:
            percent_encode(out, values.video_id);
            break;
        case placeholder::country:
            percent_encode(out, values.country);
            break;
        }
    }
}

std::optional<std::string> with_visitor_query(std::string_view location, std::string_view raw_query)
{
    auto const hash = location.find('#');
    auto const base = location.substr(0, hash);
    auto const fragment = hash == std::string_view::npos ? std::string_view() : location.substr(hash);
    auto const question = base.find('?');
    auto const own_query = question == std::string_view::npos ? std::string_view() : base.substr(question + 1);

    std::vector<std::string> own_names;
    each_pair(own_query, [&](std::string_view name, std::string_view, bool, std::string_view) {
        own_names.push_back(http::percent_decoded(name, http::plus_sign::space));
        return false;
    });
    std::string out(base);
    bool need_separator = question != std::string_view::npos && !own_query.empty() && !own_query.ends_with('&');
    if (question == std::string_view::npos)
        out.push_back('?'), need_separator = false;
    bool added = false;
    each_pair(raw_query, [&](std::string_view name, std::string_view, bool, std::string_view pair) {
        auto const decoded = http::percent_decoded(name, http::plus_sign::space);
        if (decoded.empty() || std::find(own_names.begin(), own_names.end(), decoded) != own_names.end())
            return false;
        if (need_separator)
            out.push_back('&');
        out += pair;
        need_separator = true;
        added = true;
        return false;
    });
    if (!added)
        return std::string(location);
    out += fragment;
    if (out.size() > k_max_location_bytes)
        return std::nullopt;
    return out;
}

std::optional<instant> parse_instant(std::string_view text)
{
    using namespace std::chrono;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (text.size() < 10 || !digits(text, 4, y) || text[4] != '-' || !digits(text.substr(5), 2, mo) ||
        text[7] != '-' || !digits(text.substr(8), 2, d))
        return std::nullopt;
    year_month_day const ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
    if (!ymd.ok() || y < 1970 || y > 9999)
        return std::nullopt;
    auto rest = text.substr(10);
    microseconds fraction{0};
    minutes offset{0};
    if (!rest.empty()) {
        if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ')
            return std::nullopt;
        rest.remove_prefix(1);
        if (!digits(rest, 2, h) || rest.size() < 5 || rest[2] != ':' || !digits(rest.substr(3), 2, mi) || h > 23 || mi > 59)
            return std::nullopt;
        rest.remove_prefix(5);
        if (!rest.empty() && rest[0] == ':') {
            if (!digits(rest.substr(1), 2, s) || s > 59)
                return std::nullopt;
            rest.remove_prefix(3);
            if (!rest.empty() && rest[0] == '.') {
                rest.remove_prefix(1);
                std::int64_t micros = 0;
                int n = 0;
                while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]))) {
                    if (n < 6)
                        micros = micros * 10 + (rest[0] - '0'), ++n;
                    rest.remove_prefix(1);
                }
                if (n == 0)
                    return std::nullopt;
                for (; n < 6; ++n)
                    micros *= 10;
                fraction = microseconds(micros);
            }
        }
        if (rest == "Z" || rest == "z") {
            rest = {};
        } else if (!rest.empty()) {
            int oh = 0, om = 0;
            if ((rest[0] != '+' && rest[0] != '-') || rest.size() != 6 || !digits(rest.substr(1), 2, oh) ||
                rest[3] != ':' || !digits(rest.substr(4), 2, om) || oh > 23 || om > 59)
                return std::nullopt;
            offset = minutes((oh * 60 + om) * (rest[0] == '-' ? -1 : 1));
            rest = {};
        }
    }
    auto const at = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + fraction - offset;
    return time_point_cast<system_clock::duration>(at);
}

std::string format_instant(instant at)
{
    using namespace std::chrono;
    auto const micros = time_point_cast<microseconds>(at);
    auto const days_part = floor<days>(micros);
    year_month_day const ymd{days_part};
    hh_mm_ss const hms{micros - days_part};
    char buffer[40];
    auto const ms = static_cast<int>(hms.subseconds().count() / 1000);
    int const n = ms > 0 ? std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                                         static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                         static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                                         static_cast<int>(hms.minutes().count()),
                                         static_cast<int>(hms.seconds().count()), ms)
                         : std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                                         static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                         static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                                         static_cast<int>(hms.minutes().count()),
                                         static_cast<int>(hms.seconds().count()));
    return std::string(buffer, static_cast<std::size_t>(std::max(n, 0)));
}

} // namespace linkledger::links
