#include "money/video_stats_csv.hpp"

#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace linkledger::money {
namespace {

constexpr std::size_t k_max_rows = 100'000;

enum class language { neutral, english, french };

struct column_alias {
    std::string_view header; // as normalized by header_key()
    std::string_view column; // canonical name; "" for a column we know and leave out
    language lang;
};

// The names analytics exports give their columns, in English and French. Columns known but
// not imported (reach, profile views, ...) are listed with an empty name so that a real export
// imports without complaint while a typo ("Veus") is still reported.
constexpr auto k_columns = std::to_array<column_alias>({
    {"views", "views", language::english},
    {"video views", "views", language::english},
    {"total views", "views", language::english},
    {"plays", "views", language::english},
    {"vues", "views", language::french},
    {"vues de la vidéo", "views", language::french},
    {"vues de la video", "views", language::french},
    {"vues vidéo", "views", language::french},
    {"vues totales", "views", language::french},
    {"nombre de vues", "views", language::french},
    {"lectures", "views", language::french},
    {"likes", "likes", language::english},
    {"j'aime", "likes", language::french},
    {"mentions j'aime", "likes", language::french},
    {"comments", "comments", language::english},
    {"commentaires", "comments", language::french},
    {"shares", "shares", language::english},
    {"partages", "shares", language::french},
    {"average watch time", "average_watch_seconds", language::english},
    {"avg. watch time", "average_watch_seconds", language::english},
    {"avg watch time", "average_watch_seconds", language::english},
    {"average time watched", "average_watch_seconds", language::english},
    {"average view duration", "average_watch_seconds", language::english},
    {"average watch seconds", "average_watch_seconds", language::neutral},
    {"durée moyenne de visionnage", "average_watch_seconds", language::french},
    {"duree moyenne de visionnage", "average_watch_seconds", language::french},
    {"temps de visionnage moyen", "average_watch_seconds", language::french},
    {"durée moyenne de vue", "average_watch_seconds", language::french},
    {"followers gained", "followers_gained", language::english},
    {"new followers", "followers_gained", language::english},
    {"followers", "followers_gained", language::english},
    {"subscribers", "followers_gained", language::english},
    {"subscribers gained", "followers_gained", language::english},
    {"nouveaux abonnés", "followers_gained", language::french},
    {"nouveaux abonnes", "followers_gained", language::french},
    {"nouveaux followers", "followers_gained", language::french},
    {"abonnés gagnés", "followers_gained", language::french},
    {"abonnés", "followers_gained", language::french},
    {"video link", "video_url", language::english},
    {"video url", "video_url", language::english},
    {"link", "video_url", language::english},
    {"url", "video_url", language::neutral},
    {"permalink", "video_url", language::english},
    {"post link", "video_url", language::english},
    {"lien", "video_url", language::french},
    {"lien de la vidéo", "video_url", language::french},
    {"lien de la video", "video_url", language::french},
    {"lien vidéo", "video_url", language::french},
    {"video id", "video_id", language::english},
    {"id", "video_id", language::neutral},
    {"post id", "video_id", language::english},
    {"content id", "video_id", language::english},
    {"platform video id", "video_id", language::neutral},
    {"id de la vidéo", "video_id", language::french},
    {"id de la video", "video_id", language::french},
    {"id vidéo", "video_id", language::french},
    {"date", "date", language::neutral},
    {"day", "date", language::english},
    {"jour", "date", language::french},
    {"title", "title", language::english},
    {"video title", "title", language::english},
    {"titre", "title", language::french},
    {"titre de la vidéo", "title", language::french},
    {"titre de la video", "title", language::french},
    {"platform", "platform", language::english},
    {"plateforme", "platform", language::french},
    {"post time", "posted_at", language::english},
    {"posted at", "posted_at", language::english},
    {"posted", "posted_at", language::english},
    {"publish time", "posted_at", language::english},
    {"published at", "posted_at", language::english},
    {"date de publication", "posted_at", language::french},
    {"publié le", "posted_at", language::french},
    {"heure de publication", "posted_at", language::french},
    // Known, not imported.
    {"reach", "", language::english},
    {"portée", "", language::french},
    {"total play time", "", language::english},
    {"total watch time", "", language::english},
    {"watch time", "", language::english},
    {"durée totale de visionnage", "", language::french},
    {"temps de visionnage total", "", language::french},
    {"durée de visionnage", "", language::french},
    {"watched full video", "", language::english},
    {"full video watched rate", "", language::english},
    {"taux de visionnage complet", "", language::french},
    {"vidéo regardée en entier", "", language::french},
    {"profile views", "", language::english},
    {"vues du profil", "", language::french},
    {"saves", "", language::english},
    {"favorites", "", language::english},
    {"enregistrements", "", language::french},
    {"favoris", "", language::french},
    {"impressions", "", language::neutral},
    {"engagement", "", language::neutral},
    {"engagement rate", "", language::english},
    {"taux d'engagement", "", language::french},
    {"duration", "", language::english},
    {"video duration", "", language::english},
    {"durée", "", language::french},
    {"durée de la vidéo", "", language::french},
});

// A header cell as a key of k_columns: trimmed, lower case (ASCII and the accented capitals of
// French, "É" -> "é"), '_' and '-' as spaces, a typographic apostrophe as ', a unit in brackets
// at the end dropped ("Average watch time (s)").
std::string header_key(std::string_view name)
{
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto const c = static_cast<unsigned char>(name[i]);
        if (c == 0xC3 && i + 1 < name.size()) {
            auto const next = static_cast<unsigned char>(name[i + 1]);
            out += static_cast<char>(c);
            out += static_cast<char>(next >= 0x80 && next <= 0x9E && next != 0x97 ? next + 0x20 : next);
            ++i;
        } else if (name.substr(i, 3) == "\xE2\x80\x99") {
            out += '\'';
            i += 2;
        } else if (c == '_' || c == '-' || c == '\t') {
            out += ' ';
        } else {
            out += static_cast<char>(std::tolower(c));
        }
    }
    if (auto const open = out.rfind(" ("); open != std::string::npos && out.ends_with(')'))
        out.erase(open);
    out = std::string(clicks::trim_spaces(out));
    std::string collapsed;
    for (char const c : out)
        if (!(c == ' ' && !collapsed.empty() && collapsed.back() == ' '))
            collapsed += c;
    return collapsed;
}

// Spaces of every kind exports put in numbers ("12 345" with U+00A0, U+202F or U+2009), and
// the Swiss apostrophe, removed; anything else kept.
std::string without_spaces(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ' ' || text[i] == '\t' || text[i] == '\'') {
            continue;
        } else if (text.substr(i, 2) == "\xC2\xA0") {
            ++i;
        } else if (text.substr(i, 3) == "\xE2\x80\xAF" || text.substr(i, 3) == "\xE2\x80\x89" ||
                   text.substr(i, 3) == "\xE2\x80\x99") {
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

bool is_blank_figure(std::string const& compact)
{
    std::string lower;
    for (char const c : compact)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.empty() || lower == "-" || lower == "--" || lower == "\xE2\x80\x94" || lower == "n/a" ||
           lower == "na";
}

bool is_negative(std::string const& compact)
{
    return compact.starts_with('-') || compact.starts_with("\xE2\x88\x92"); // '-' or U+2212
}

bool all_digits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "1,234,567" or "1.234.567": groups of three after a first group of one to three digits.
bool grouped_by_thousands(std::string_view text, char separator)
{
    std::size_t start = 0;
    bool first = true;
    while (true) {
        auto const end = text.find(separator, start);
        auto const group = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!all_digits(group) || (first ? group.size() > 3 : group.size() != 3))
            return false;
        if (end == std::string_view::npos)
            return true;
        first = false;
        start = end + 1;
    }
}

// A whole part and the digits after the decimal separator, times 10^scale, rounded half up.
// Nothing when it overflows.
std::optional<std::int64_t> scaled(std::string_view whole, std::string_view fraction, int scale)
{
    if (whole.empty())
        whole = "0";
    if (whole.size() > 15)
        return std::nullopt;
    std::int64_t value = 0;
    std::from_chars(whole.data(), whole.data() + whole.size(), value);
    for (int i = 0; i < scale; ++i) {
        if (value > 100'000'000'000'000'000)
            return std::nullopt;
        value = value * 10 + (static_cast<std::size_t>(i) < fraction.size() ? fraction[i] - '0' : 0);
    }
    if (fraction.size() > static_cast<std::size_t>(scale) && fraction[scale] >= '5')
        ++value;
    return value;
}

// "8.4" or "8,4" (one decimal separator at most) times 10^scale; nothing for anything else.
std::optional<std::int64_t> decimal_scaled(std::string_view text, int scale)
{
    auto const separator = text.find_first_of(".,");
    auto const whole = text.substr(0, separator);
    auto const fraction = separator == std::string_view::npos ? std::string_view() : text.substr(separator + 1);
    if ((!whole.empty() && !all_digits(whole)) || (separator != std::string_view::npos && !all_digits(fraction)) ||
        (whole.empty() && fraction.empty()))
        return std::nullopt;
    return scaled(whole, fraction, scale);
}

[[noreturn]] void refuse(std::string const& field, std::string_view text, std::string const& why)
{
    throw http::bad_field(field, "'" + std::string(text.substr(0, 40)) + "' " + why);
}

std::string lower_ascii(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// Seconds, or minutes, or hours ("8,4 s", "1m 5s", "2 min"), as milliseconds.
std::optional<std::int64_t> watch_with_units(std::string const& lower)
{
    std::int64_t total = 0;
    std::size_t at = 0;
    bool any = false;
    while (at < lower.size()) {
        auto const number_end = lower.find_first_not_of("0123456789.,", at);
        if (number_end == at)
            return std::nullopt;
        auto const number = std::string_view(lower).substr(at, number_end - at);
        auto const unit_end = number_end == std::string::npos ? lower.size() : lower.find_first_of("0123456789", number_end);
        auto const unit = std::string_view(lower).substr(number_end == std::string::npos ? lower.size() : number_end,
                                                         (unit_end == std::string::npos ? lower.size() : unit_end) -
                                                             (number_end == std::string::npos ? lower.size() : number_end));
        std::int64_t ms_per_unit = 1000;
        if (unit == "h")
            ms_per_unit = 3'600'000;
        else if (unit == "m" || unit == "min" || unit == "mn")
            ms_per_unit = 60'000;
        else if (!(unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "seconds" ||
                   unit == "secondes"))
            return std::nullopt;
        auto const ms = decimal_scaled(number, 3);
        if (!ms || *ms > k_max_watch_ms)
            return std::nullopt;
        total += *ms * (ms_per_unit / 1000);
        any = true;
        at = unit_end == std::string::npos ? lower.size() : unit_end;
    }
    return any ? std::optional(total) : std::nullopt;
}

std::string cell(csv_record const& record, std::vector<std::string> const& columns, std::string_view name)
{
    for (std::size_t i = 0; i < columns.size() && i < record.cells.size(); ++i)
        if (columns[i] == name)
            return std::string(clicks::trim_spaces(record.cells[i]));
    return {};
}

} // namespace

std::optional<std::int64_t> read_count(std::string_view text, std::string const& field)
{
    auto compact = without_spaces(text);
    if (is_blank_figure(compact))
        return std::nullopt;
    if (is_negative(compact))
        refuse(field, text, "is negative: a count is 0 or more");
    if (compact.starts_with('+'))
        compact.erase(0, 1);
    int exponent = 0;
    if (!compact.empty()) {
        switch (compact.back()) {
        case 'k': case 'K': exponent = 3; break;
        case 'm': case 'M': exponent = 6; break;
        case 'b': case 'B': exponent = 9; break;
        default: break;
        }
        if (exponent > 0)
            compact.pop_back();
    }
    auto const last_comma = compact.rfind(',');
    auto const last_dot = compact.rfind('.');
    std::string whole;
    std::string fraction;
    if (last_comma != std::string::npos && last_dot != std::string::npos) {
        // Both: the last one is the decimal separator ("1,234.5K", "1.234,5 k").
        auto const decimal = std::max(last_comma, last_dot);
        auto const thousands = compact[decimal == last_comma ? last_dot : last_comma];
        if (!grouped_by_thousands(std::string_view(compact).substr(0, decimal), thousands))
            refuse(field, text, "is not a number we can read");
        whole = compact.substr(0, decimal);
        whole.erase(std::remove(whole.begin(), whole.end(), thousands), whole.end());
        fraction = compact.substr(decimal + 1);
    } else if (last_comma != std::string::npos || last_dot != std::string::npos) {
        char const separator = last_comma != std::string::npos ? ',' : '.';
        bool const once = std::count(compact.begin(), compact.end(), separator) == 1;
        // "1,234" is a thousand and more, not a fraction of a view; "1,2K" is 1,200.
        if ((exponent == 0 || !once) && grouped_by_thousands(compact, separator)) {
            whole = compact;
            whole.erase(std::remove(whole.begin(), whole.end(), separator), whole.end());
        } else if (once) {
            auto const at = compact.find(separator);
            whole = compact.substr(0, at);
            fraction = compact.substr(at + 1);
        } else {
            refuse(field, text, "is not a number we can read");
        }
    } else {
        whole = compact;
    }
    if (!all_digits(whole) || (!fraction.empty() && !all_digits(fraction)))
        refuse(field, text, "is not a number we can read (e.g. 1234, 12 345, 1.2K, 1,2 k, 3M)");
    if (exponent == 0 && fraction.find_first_not_of('0') != std::string::npos)
        refuse(field, text, "is not a whole number");
    auto const value = scaled(whole, fraction, exponent);
    if (!value || *value > k_max_video_count)
        refuse(field, text, "is too large");
    return value;
}

std::optional<std::int64_t> read_watch_ms(std::string_view text, std::string const& field)
{
    auto const compact = lower_ascii(without_spaces(text));
    if (is_blank_figure(compact))
        return std::nullopt;
    if (is_negative(compact))
        refuse(field, text, "is negative");
    std::optional<std::int64_t> ms;
    if (compact.find(':') != std::string::npos) {
        // m:ss or h:mm:ss, seconds possibly with a fraction.
        std::vector<std::string_view> parts;
        std::string_view rest(compact);
        for (auto colon = rest.find(':'); colon != std::string_view::npos; colon = rest.find(':')) {
            parts.push_back(rest.substr(0, colon));
            rest.remove_prefix(colon + 1);
        }
        parts.push_back(rest);
        if (parts.size() <= 3 && std::all_of(parts.begin(), parts.end() - 1, [](auto p) { return all_digits(p); })) {
            auto const seconds = decimal_scaled(parts.back(), 3);
            std::int64_t total = seconds.value_or(-1);
            std::int64_t unit = 60'000;
            bool fits = seconds && *seconds < 60'000;
            for (auto part = parts.rbegin() + 1; fits && part != parts.rend(); ++part, unit *= 60) {
                std::int64_t n = 0;
                std::from_chars(part->data(), part->data() + part->size(), n);
                fits = part->size() <= 6 && (part + 1 == parts.rend() || n < 60);
                if (fits) // a longer count would overflow the product before being refused
                    total += n * unit;
            }
            if (fits)
                ms = total;
        }
    } else {
        ms = watch_with_units(compact);
    }
    if (!ms)
        refuse(field, text, "is not a watch time we can read (seconds such as 8.4 or 8,4 s, or 0:08)");
    if (*ms > k_max_watch_ms)
        refuse(field, text, "is longer than a day");
    return ms;
}

std::string read_day(std::string_view text, std::string const& field, bool day_first, std::chrono::sys_days latest_day)
{
    using namespace std::chrono;
    auto const trimmed = clicks::trim_spaces(text);
    auto const date_part = trimmed.substr(0, trimmed.find_first_of("T "));
    std::vector<int> parts;
    std::vector<std::size_t> widths;
    std::size_t at = 0;
    char separator = 0;
    while (at <= date_part.size()) {
        auto const end = date_part.find_first_of("-/.", at);
        auto const piece = date_part.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (!all_digits(piece) || piece.size() > 4 || parts.size() == 3)
            refuse(field, text, "is not a date (YYYY-MM-DD, or DD/MM/YYYY)");
        int n = 0;
        std::from_chars(piece.data(), piece.data() + piece.size(), n);
        parts.push_back(n);
        widths.push_back(piece.size());
        if (end == std::string_view::npos)
            break;
        if (separator != 0 && date_part[end] != separator)
            refuse(field, text, "is not a date (YYYY-MM-DD, or DD/MM/YYYY)");
        separator = date_part[end];
        at = end + 1;
    }
    if (parts.size() != 3)
        refuse(field, text, "is not a date (YYYY-MM-DD, or DD/MM/YYYY)");
    int y = 0, m = 0, d = 0;
    if (widths[0] == 4) {
        y = parts[0], m = parts[1], d = parts[2];
    } else if (widths[2] == 4) {
        y = parts[2];
        bool const first_is_day = parts[0] > 12 || (parts[1] <= 12 && day_first);
        d = first_is_day ? parts[0] : parts[1];
        m = first_is_day ? parts[1] : parts[0];
    } else {
        refuse(field, text, "is not a date (YYYY-MM-DD, or DD/MM/YYYY)");
    }
    // std::chrono::day keeps a byte: day{271} would be day{15}. Ranges first, then the calendar.
    if (m < 1 || m > 12 || d < 1 || d > 31)
        refuse(field, text, "is not a date of the calendar");
    year_month_day const date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!date.ok() || y < 1970)
        refuse(field, text, "is not a date of the calendar");
    if (sys_days{date} > latest_day)
        refuse(field, text, "is in the future");
    char out[40]; // room for any int, which g++ -O2 checks; y, m and d fit 10
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return out;
}

std::chrono::sys_days latest_reportable_day(std::chrono::system_clock::time_point now)
{
    return std::chrono::floor<std::chrono::days>(now) + std::chrono::days{1};
}

video_stats_csv parse_video_stats_csv(std::string_view text)
{
    auto table = read_csv(text, k_max_rows);
    video_stats_csv out;
    int english = 0;
    int french = 0;
    for (auto const& name : table.header) {
        auto const key = header_key(name);
        auto const known = std::find_if(k_columns.begin(), k_columns.end(), [&](auto const& c) { return c.header == key; });
        if (known == k_columns.end()) {
            out.columns.emplace_back();
            if (!key.empty())
                out.unknown_columns.emplace_back(clicks::trim_spaces(name));
            continue;
        }
        english += known->lang == language::english;
        french += known->lang == language::french;
        // A second column of the same meaning ("Views" and "Vues") would make a cell ambiguous.
        bool const again = !known->column.empty() &&
                           std::find(out.columns.begin(), out.columns.end(), known->column) != out.columns.end();
        if (again)
            throw http::bad_field("body", "two columns mean " + std::string(known->column) + ": '" +
                                           std::string(clicks::trim_spaces(name)) + "'",
                                  "invalid_csv");
        out.columns.emplace_back(known->column);
    }
    auto const has = [&](std::string_view column) {
        return std::find(out.columns.begin(), out.columns.end(), column) != out.columns.end();
    };
    if (!has("date"))
        throw http::bad_field("body", "the header row must name a date column (Date, Jour)", "invalid_csv");
    if (!has("video_url") && !has("video_id"))
        throw http::bad_field("body", "the header row must name the video: a link (Video link, Lien) or an id (Video ID)",
                              "invalid_csv");
    out.day_first = french >= english;
    out.records = std::move(table.records);
    return out;
}

video_stats_row video_stats_from_csv_record(video_stats_csv const& csv, csv_record const& record,
                                            std::chrono::sys_days latest_day)
{
    if (record.cells.size() != csv.columns.size())
        throw http::bad_field("body", "the row has " + std::to_string(record.cells.size()) + " cells; the header has " +
                                          std::to_string(csv.columns.size()));
    auto const get = [&](std::string_view name) { return cell(record, csv.columns, name); };
    video_stats_row row;
    row.video_url = get("video_url");
    row.platform_video_id = get("video_id");
    if (row.video_url.empty() && row.platform_video_id.empty())
        throw http::bad_field(std::find(csv.columns.begin(), csv.columns.end(), "video_url") != csv.columns.end()
                                  ? "video_url" : "video_id",
                              "the row names no video");
    if (row.video_url.size() > 2048)
        throw http::bad_field("video_url", "the link is longer than 2048 bytes");
    // PostgreSQL refuses invalid UTF-8: the whole file failed with a 500 on one bad byte.
    if (!clicks::is_clean_text(row.video_url))
        throw http::bad_field("video_url", "the link must be UTF-8 text without control characters");
    if (row.platform_video_id.size() > 64 ||
        !std::all_of(row.platform_video_id.begin(), row.platform_video_id.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        }))
        throw http::bad_field("video_id", "'" + row.platform_video_id.substr(0, 40) + "' is not a video id");
    // Cut at a character, bad bytes replaced: a 300-byte cut through an "é" made the file's
    // transaction fail (a 500, every row lost).
    row.title = clicks::storable_text(get("title"), 300);
    row.platform = lower_ascii(get("platform"));
    row.posted_at = get("posted_at");
    row.stats.day = read_day(get("date"), "date", csv.day_first, latest_day);
    row.stats.views = read_count(get("views"), "views");
    row.stats.likes = read_count(get("likes"), "likes");
    row.stats.comments = read_count(get("comments"), "comments");
    row.stats.shares = read_count(get("shares"), "shares");
    row.stats.average_watch_ms = read_watch_ms(get("average_watch_seconds"), "average_watch_seconds");
    row.stats.followers_gained = read_count(get("followers_gained"), "followers_gained");
    if (!row.stats.has_a_figure())
        throw http::bad_field("views", "the row has no figure (views, likes, comments, shares, average watch time, "
                                       "followers gained)");
    return row;
}

} // namespace linkledger::money
