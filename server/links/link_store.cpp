#include "links/link_store.hpp"

#include <pqxx/pqxx>

namespace linkledger::links {
namespace {

// A link's clicks so far are read where its click budget (link_change_listener, the bio page)
// and the reports by link read them: click_totals_daily. The shipper writes it and the finer
// click_rollups_daily from one roll-up in one transaction (clicks/click_rollup.hpp), so today
// the two agree; one source keeps the links list, the budget and the reports from drifting
// apart should the detail table ever be thinned (tests/integration/link_click_count_test.cpp).
constexpr char const* k_link_select = R"sql(
SELECT l.id, l.slug, l.target_url, l.title, l.active,
       (SELECT COALESCE(sum(t.clicks), 0) FROM click_totals_daily t WHERE t.link_id = l.id) AS clicks,
       to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       l.bio, l.bio_position, l.disclosure, l.offer_id, l.video_id,
       l.forward_query, l.rules::text,
       (extract(epoch FROM l.valid_from) * 1000000)::bigint, (extract(epoch FROM l.valid_until) * 1000000)::bigint,
       l.max_clicks, l.expired_url, l.open_in_browser,
       to_char(l.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), l.revision
FROM links l
)sql";

// Every read but a deleted link's own page sees live links only.
std::string const k_link_columns = std::string(k_link_select) + "WHERE l.deleted_at IS NULL\n";

constexpr char const* k_insert_link =
    "INSERT INTO links (slug, target_url, title, bio, bio_position, disclosure, offer_id, video_id, "
    "forward_query, rules, valid_from, valid_until, max_clicks, expired_url, open_in_browser) "
    "VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, $8, $9, $10::jsonb, (timestamptz 'epoch' + $11::bigint * interval '1 microsecond'), "
    "(timestamptz 'epoch' + $12::bigint * interval '1 microsecond'), $13, $14, $15) RETURNING id";

constexpr char const* k_update_link = R"sql(
UPDATE links
SET target_url = CASE WHEN $2 THEN $3 ELSE target_url END,
    title      = CASE WHEN $4 THEN $5 ELSE title END,
    active     = CASE WHEN $6 THEN $7 ELSE active END,
    bio        = CASE WHEN $8 THEN $9 ELSE bio END,
    bio_position = CASE WHEN $10 THEN $11 ELSE bio_position END,
    disclosure = CASE WHEN $12 THEN NULLIF($13, '') ELSE disclosure END,
    offer_id   = CASE WHEN $14 THEN $15 ELSE offer_id END,
    video_id   = CASE WHEN $16 THEN $17 ELSE video_id END,
    forward_query = CASE WHEN $18 THEN $19 ELSE forward_query END,
    rules      = CASE WHEN $20 THEN $21::jsonb ELSE rules END,
    valid_from = CASE WHEN $22 THEN (timestamptz 'epoch' + $23::bigint * interval '1 microsecond') ELSE valid_from END,
    valid_until = CASE WHEN $24 THEN (timestamptz 'epoch' + $25::bigint * interval '1 microsecond') ELSE valid_until END,
    max_clicks = CASE WHEN $26 THEN $27 ELSE max_clicks END,
    expired_url = CASE WHEN $28 THEN $29 ELSE expired_url END,
    open_in_browser = CASE WHEN $30 THEN $31 ELSE open_in_browser END,
    updated_at = now()
WHERE id = $1 AND deleted_at IS NULL
)sql";

constexpr char const* k_delete_link = R"sql(
UPDATE links SET deleted_at = now(), active = false, updated_at = now()
WHERE id = $1 AND deleted_at IS NULL
RETURNING revision
)sql";

std::optional<std::int64_t> optional_id(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::int64_t>());
}

using time_point = std::chrono::system_clock::time_point;

std::optional<time_point> optional_instant(pqxx::field const& f)
{
    if (f.is_null())
        return std::nullopt;
    return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds(f.as<std::int64_t>())));
}

// Microseconds since the epoch, as the SQL above turns them back into a timestamptz.
std::optional<std::int64_t> micros_of(std::optional<time_point> const& at)
{
    if (!at)
        return std::nullopt;
    return std::chrono::duration_cast<std::chrono::microseconds>(at->time_since_epoch()).count();
}

link to_link(pqxx::row const& row)
{
    link l;
    l.id = row[0].as<std::int64_t>();
    l.slug = row[1].as<std::string>();
    l.target_url = row[2].as<std::string>();
    l.title = row[3].as<std::string>();
    l.active = row[4].as<bool>();
    l.clicks = row[5].as<std::int64_t>();
    l.created_at = row[6].as<std::string>();
    l.updated_at = row[7].as<std::string>();
    l.bio = row[8].as<bool>();
    l.bio_position = row[9].as<int>();
    if (!row[10].is_null())
        l.disclosure = row[10].as<std::string>();
    l.offer_id = optional_id(row[11]);
    l.video_id = optional_id(row[12]);
    l.forward_query = row[13].as<bool>();
    l.rules = row[14].as<std::string>();
    l.valid_from = optional_instant(row[15]);
    l.valid_until = optional_instant(row[16]);
    l.max_clicks = optional_id(row[17]);
    if (!row[18].is_null())
        l.expired_url = row[18].as<std::string>();
    l.open_in_browser = row[19].as<std::string>();
    if (!row[20].is_null())
        l.deleted_at = row[20].as<std::string>();
    l.revision = row[21].as<std::int64_t>();
    return l;
}

std::optional<link> find_link_in(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const rows = tx.exec_params(k_link_columns + " AND l.id = $1", id);
    if (rows.empty())
        return std::nullopt;
    return to_link(rows[0]);
}

} // namespace

link insert_link(pqxx::transaction_base& tx, new_link const& l)
{
    auto const id = tx.exec_params1(k_insert_link, l.slug, l.target_url, l.title, l.bio, l.bio_position,
                                    l.disclosure.value_or(""), l.offer_id, l.video_id, l.forward_query, l.rules,
                                    micros_of(l.valid_from), micros_of(l.valid_until), l.max_clicks,
                                    l.expired_url, l.open_in_browser)[0].as<std::int64_t>();
    return *find_link_in(tx, id);
}

std::optional<link> find_link(pqxx::connection& conn, std::int64_t id)
{
    pqxx::read_transaction tx(conn);
    return find_link_in(tx, id);
}

std::optional<link> find_link_even_deleted(pqxx::connection& conn, std::int64_t id)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(std::string(k_link_select) + "WHERE l.id = $1", id);
    if (rows.empty())
        return std::nullopt;
    return to_link(rows[0]);
}

std::vector<link> list_links(pqxx::connection& conn, std::int64_t before_id, int limit, std::string const& pattern)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(k_link_columns +
                                         " AND ($1::bigint = 0 OR l.id < $1::bigint)"
                                         " AND ($3 = '' OR l.title ILIKE $3 OR l.slug ILIKE $3)"
                                         " ORDER BY l.id DESC LIMIT $2",
                                     before_id, limit, pattern);
    std::vector<link> out;
    out.reserve(rows.size());
    for (auto const& row : rows)
        out.push_back(to_link(row));
    return out;
}

std::optional<link> update_link(pqxx::transaction_base& tx, std::int64_t id, link_changes const& c)
{
    auto const result =
        tx.exec_params(k_update_link, id, c.target_url.has_value(), c.target_url.value_or(""),
                       c.title.has_value(), c.title.value_or(""), c.active.has_value(),
                       c.active.value_or(false), c.bio.has_value(), c.bio.value_or(false),
                       c.bio_position.has_value(), c.bio_position.value_or(0),
                       c.disclosure.has_value(),
                       c.disclosure.has_value() ? c.disclosure->value_or("") : std::string(),
                       c.offer_id.has_value(), c.offer_id.value_or(std::nullopt),
                       c.video_id.has_value(), c.video_id.value_or(std::nullopt),
                       c.forward_query.has_value(), c.forward_query.value_or(true),
                       c.rules.has_value(), c.rules.value_or("[]"),
                       c.valid_from.has_value(), micros_of(c.valid_from.value_or(std::nullopt)),
                       c.valid_until.has_value(), micros_of(c.valid_until.value_or(std::nullopt)),
                       c.max_clicks.has_value(), c.max_clicks.value_or(std::nullopt),
                       c.expired_url.has_value(), c.expired_url.value_or(std::nullopt),
                       c.open_in_browser.has_value(), c.open_in_browser.value_or("off"));
    if (result.affected_rows() == 0)
        return std::nullopt;
    return find_link_in(tx, id);
}

std::optional<link> delete_link(pqxx::transaction_base& tx, std::int64_t id)
{
    auto deleted = find_link_in(tx, id);
    if (!deleted)
        return std::nullopt;
    auto const gone = tx.exec_params(k_delete_link, id);
    if (gone.empty())
        return std::nullopt; // deleted by a concurrent request
    deleted->revision = gone[0][0].as<std::int64_t>();
    return deleted;
}

std::optional<link> rewrite_rules(pqxx::transaction_base& tx, std::int64_t id,
                                  std::function<std::string(std::string const& stored)> const& rewrite)
{
    auto const stored =
        tx.exec_params("SELECT rules::text FROM links WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", id);
    if (stored.empty())
        return std::nullopt;
    auto const rules = rewrite(stored[0][0].as<std::string>());
    tx.exec_params("UPDATE links SET rules = $2::jsonb, updated_at = now() WHERE id = $1", id, rules);
    return find_link_in(tx, id);
}

} // namespace linkledger::links
