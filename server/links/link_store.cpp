#include "links/link_store.hpp"

#include <pqxx/pqxx>

namespace linkledger::links {
namespace {

constexpr char const* k_link_columns = R"sql(
SELECT l.id, l.slug, l.target_url, l.title, l.active,
       (SELECT COALESCE(sum(r.clicks), 0) FROM click_rollups_daily r WHERE r.link_id = l.id) AS clicks,
       to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       l.bio, l.bio_position, l.disclosure, l.offer_id, l.video_id
FROM links l
WHERE l.deleted_at IS NULL
)sql";

constexpr char const* k_insert_link =
    "INSERT INTO links (slug, target_url, title, bio, bio_position, disclosure, offer_id, video_id) "
    "VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, $8) RETURNING id";

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
    updated_at = now()
WHERE id = $1 AND deleted_at IS NULL
)sql";

constexpr char const* k_delete_link = R"sql(
UPDATE links SET deleted_at = now(), active = false, updated_at = now()
WHERE id = $1 AND deleted_at IS NULL
)sql";

std::optional<std::int64_t> optional_id(pqxx::field const& f)
{
    return f.is_null() ? std::nullopt : std::optional(f.as<std::int64_t>());
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
    return l;
}

std::optional<link> find_link_in(pqxx::transaction_base& tx, std::int64_t id)
{
    auto const rows = tx.exec_params(std::string(k_link_columns) + " AND l.id = $1", id);
    if (rows.empty())
        return std::nullopt;
    return to_link(rows[0]);
}

} // namespace

link insert_link(pqxx::connection& conn, new_link const& l)
{
    pqxx::work tx(conn);
    auto const id = tx.exec_params1(k_insert_link, l.slug, l.target_url, l.title, l.bio, l.bio_position,
                                    l.disclosure.value_or(""), l.offer_id, l.video_id)[0].as<std::int64_t>();
    auto created = find_link_in(tx, id);
    tx.commit();
    return *created;
}

std::optional<link> find_link(pqxx::connection& conn, std::int64_t id)
{
    pqxx::read_transaction tx(conn);
    return find_link_in(tx, id);
}

std::vector<link> list_links(pqxx::connection& conn, std::int64_t before_id, int limit)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(std::string(k_link_columns) +
                                         " AND ($1::bigint = 0 OR l.id < $1::bigint) ORDER BY l.id DESC LIMIT $2",
                                     before_id, limit);
    std::vector<link> out;
    out.reserve(rows.size());
    for (auto const& row : rows)
        out.push_back(to_link(row));
    return out;
}

std::optional<link> update_link(pqxx::connection& conn, std::int64_t id, link_changes const& c)
{
    pqxx::work tx(conn);
    auto const result =
        tx.exec_params(k_update_link, id, c.target_url.has_value(), c.target_url.value_or(""),
                       c.title.has_value(), c.title.value_or(""), c.active.has_value(),
                       c.active.value_or(false), c.bio.has_value(), c.bio.value_or(false),
                       c.bio_position.has_value(), c.bio_position.value_or(0),
                       c.disclosure.has_value(),
                       c.disclosure.has_value() ? c.disclosure->value_or("") : std::string(),
                       c.offer_id.has_value(), c.offer_id.value_or(std::nullopt),
                       c.video_id.has_value(), c.video_id.value_or(std::nullopt));
    if (result.affected_rows() == 0)
        return std::nullopt;
    auto updated = find_link_in(tx, id);
    tx.commit();
    return updated;
}

std::optional<link> delete_link(pqxx::connection& conn, std::int64_t id)
{
    pqxx::work tx(conn);
    auto deleted = find_link_in(tx, id);
    if (!deleted)
        return std::nullopt;
    if (tx.exec_params(k_delete_link, id).affected_rows() == 0)
        return std::nullopt; // deleted by a concurrent request
    tx.commit();
    return deleted;
}

} // namespace linkledger::links
