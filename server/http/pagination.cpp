#include "http/pagination.hpp"

#include "clicks/text_sanitizer.hpp"
#include "http/http_error.hpp"

#include <charconv>

namespace linkledger::http {
namespace {

constexpr int k_default_page = 50;
constexpr int k_max_page = 200;

} // namespace

page_request read_page(request_context const& ctx)
{
    page_request page;
    if (auto const text = ctx.query("limit"); text && !text->empty()) {
        auto const* end = text->data() + text->size();
        auto const [ptr, ec] = std::from_chars(text->data(), end, page.limit);
        if (ec != std::errc{} || ptr != end || page.limit < 1 || page.limit > k_max_page)
            throw bad_field("limit", "limit must be a whole number from 1 to " + std::to_string(k_max_page));
    } else {
        page.limit = k_default_page;
    }
    if (auto const cursor = ctx.query("cursor"); cursor && !cursor->empty()) {
        auto const* end = cursor->data() + cursor->size();
        auto const [ptr, ec] = std::from_chars(cursor->data(), end, page.before_id);
        if (ec != std::errc{} || ptr != end || page.before_id <= 0)
            throw bad_field("cursor", "cursor must be a next_cursor value from a previous page");
    }
    return page;
}

std::string search_pattern(request_context const& ctx)
{
    auto const given = ctx.query("q").value_or("");
    if (given.size() > k_max_search_bytes)
        throw bad_field("q", "q must be at most " + std::to_string(k_max_search_bytes) + " bytes");
    // PostgreSQL text cannot hold NUL or broken UTF-8: a 400, not a 500 from the query.
    if (!clicks::is_clean_text(given))
        throw bad_field("q", "q must be UTF-8 text without control characters");
    // " boots" pasted with its space finds "boots"; blanks alone are no filter.
    auto const text = clicks::trim_spaces(given);
    if (text.empty())
        return {};
    std::string pattern = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            pattern.push_back('\\');
        pattern.push_back(c);
    }
    return pattern + "%";
}

boost::json::object page_body(std::string const& name, boost::json::array rows, page_request const& page)
{
    boost::json::value next = nullptr;
    auto const limit = static_cast<std::size_t>(page.limit);
    if (rows.size() > limit) {
        rows.resize(limit);
        next = std::to_string(rows.back().as_object().at("id").as_int64());
    }
    return {{name, std::move(rows)}, {"next_cursor", next}};
}

} // namespace linkledger::http
