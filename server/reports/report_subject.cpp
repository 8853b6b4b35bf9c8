#include "reports/report_subject.hpp"

#include "http/http_error.hpp"

#include <pqxx/pqxx>

#include <charconv>

namespace linkledger::reports {
namespace {

std::optional<std::int64_t> id_in_query(http::request_context const& ctx, std::string const& name)
{
    auto const text = ctx.query(name);
    if (!text || text->empty())
        return std::nullopt;
    std::int64_t id = 0;
    auto const* end = text->data() + text->size();
    auto const [ptr, ec] = std::from_chars(text->data(), end, id);
    if (ec != std::errc{} || ptr != end || id <= 0)
        throw http::bad_field(name, name + " must be a positive whole number");
    return id;
}

} // namespace

report_subject subject_of(pqxx::transaction_base& tx, http::request_context const& ctx, bool required)
{
    report_subject s{id_in_query(ctx, "link_id"), id_in_query(ctx, "video_id"), std::nullopt};
    if (s.link_id && s.video_id)
        throw http::bad_field("video_id", "give link_id or video_id, not both");
    if (required && !s.link_id && !s.video_id)
        throw http::bad_field("link_id", "link_id or video_id is required");
    if (s.link_id) {
        auto const link = tx.exec_params("SELECT video_id FROM links WHERE id = $1", *s.link_id);
        if (link.empty())
            throw http::http_error(http::bhttp::status::not_found, "not_found", "no such link", "link_id");
        if (!link[0][0].is_null())
            s.video_of_link = link[0][0].as<std::int64_t>();
    }
    if (s.video_id && tx.exec_params("SELECT 1 FROM videos WHERE id = $1", *s.video_id).empty())
        throw http::http_error(http::bhttp::status::not_found, "not_found", "no such video", "video_id");
    return s;
}

} // namespace linkledger::reports
