#include "bio/profile_store.hpp"

#include <pqxx/pqxx>

#include <sstream>

namespace linkledger::bio {
namespace {

constexpr char const* k_select_profile =
    "SELECT handle, display_name, COALESCE(avatar_url, ''), language, published FROM profile";

constexpr char const* k_upsert_profile = R"sql(
INSERT INTO profile (only_row, handle, display_name, avatar_url, language)
VALUES (true, $1, $2, NULLIF($3, ''), $4)
ON CONFLICT (only_row) DO UPDATE
SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name,
    avatar_url = EXCLUDED.avatar_url, language = EXCLUDED.language, published = true, updated_at = now()
)sql";

// The one rule for which bio links the page shows, read both by the page (k_bio_cards) and by
// the dashboard's order list (k_bio_order), so the creator is never told a link is on the page
// when followers cannot see it. `hidden` says why a link is not on the page, NULL when it is.
// A card must lead somewhere: a link turned off answers 410, one not valid yet, expired or out
// of clicks 404 or 410, unless it has an expired_url to send the follower to (the redirect
// handler's order of checks). The page stops after 100 cards.
// Newest first among equal positions: a link just made for the latest video shows at the top,
// where its followers look, until the creator orders the page (which numbers every link 1..n).
#define LL_BIO_LINKS                                                                                         \
    "WITH bio_links AS (SELECT l.*, CASE WHEN NOT l.active THEN 'turned_off' "                              \
    "WHEN l.expired_url IS NOT NULL THEN NULL "                                                              \
    "WHEN l.valid_from > now() THEN 'not_yet_valid' "                                                        \
    "WHEN l.valid_until <= now() THEN 'expired' "                                                            \
    "WHEN l.max_clicks IS NOT NULL AND (SELECT COALESCE(sum(t.clicks), 0) FROM click_totals_daily t "        \
    "WHERE t.link_id = l.id) >= l.max_clicks THEN 'out_of_clicks' END AS why "                              \
    "FROM links l WHERE l.bio AND l.deleted_at IS NULL), "                                                   \
    "placed AS (SELECT b.*, CASE WHEN b.why IS NULL AND row_number() OVER (PARTITION BY b.why IS NULL "      \
    "ORDER BY b.bio_position, b.id DESC) > 100 THEN 'too_many' ELSE b.why END AS hidden FROM bio_links b) "
#define LL_BIO_ORDER " ORDER BY l.bio_position, l.id DESC"

constexpr char const* k_bio_cards = LL_BIO_LINKS R"sql(
SELECT l.slug, CASE WHEN l.title = '' THEN l.slug ELSE l.title END, COALESCE(l.disclosure, ''),
       COALESCE(v.title, ''),
       -- Codes are letters, digits, '_' and '-': a space separates them safely.
       array_to_string(ARRAY(SELECT c.code FROM promo_codes c JOIN offers o ON o.id = c.offer_id
             WHERE (c.link_id = l.id OR (c.link_id IS NULL AND c.video_id = l.video_id))
               AND c.active AND o.active
               AND (c.valid_from IS NULL OR c.valid_from <= now())
               AND (c.valid_until IS NULL OR c.valid_until > now())
             ORDER BY c.id LIMIT 5), ' ')
FROM placed l
LEFT JOIN videos v ON v.id = l.video_id
WHERE l.hidden IS NULL)sql" LL_BIO_ORDER;

constexpr char const* k_bio_order =
    LL_BIO_LINKS "SELECT l.id, l.slug, l.title, l.bio_position, l.hidden FROM placed l" LL_BIO_ORDER;

#undef LL_BIO_ORDER
#undef LL_BIO_LINKS

profile to_profile(pqxx::row const& row)
{
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
            row[3].as<std::string>(), row[4].as<bool>()};
}

} // namespace

std::optional<profile> find_profile(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec(k_select_profile);
    if (rows.empty())
        return std::nullopt;
    return to_profile(rows[0]);
}

std::optional<profile> unpublish_profile(pqxx::transaction_base& tx)
{
    auto const rows = tx.exec("UPDATE profile SET published = false, updated_at = now() WHERE published "
                              "RETURNING handle, display_name, COALESCE(avatar_url, ''), language, published");
    if (rows.empty())
        return std::nullopt;
    return to_profile(rows[0]);
}

profile save_profile(pqxx::transaction_base& tx, profile const& p)
{
    tx.exec_params(k_upsert_profile, p.handle, p.display_name, p.avatar_url, p.language);
    auto saved = to_profile(tx.exec1(k_select_profile));
    return saved;
}

std::optional<profile> find_bio_page(pqxx::connection& conn, std::string const& handle,
                                     std::vector<bio_card>& cards)
{
    pqxx::read_transaction tx(conn);
    auto const rows = tx.exec_params(std::string(k_select_profile) + " WHERE published AND lower(handle) = lower($1)", handle);
    if (rows.empty())
        return std::nullopt;
    for (auto const& row : tx.exec(k_bio_cards)) {
        bio_card card{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<std::string>(), {}};
        std::istringstream codes(row[4].as<std::string>());
        for (std::string code; codes >> code;)
            card.codes.push_back(code);
        cards.push_back(std::move(card));
    }
    return to_profile(rows[0]);
}

std::vector<bio_link> list_bio_links(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    std::vector<bio_link> out;
    for (auto const& row : tx.exec(k_bio_order)) {
        bio_link l{row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<int>(), {}};
        if (!row[4].is_null())
            l.hidden = row[4].as<std::string>();
        out.push_back(std::move(l));
    }
    return out;
}

} // namespace linkledger::bio
