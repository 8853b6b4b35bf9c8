-- A link that moves (to another video or offer, a code to another link: 0025, 0029) mid-way
-- through a quarter-hour: the reports read the rollups per quarter-hour and filed the whole
-- quarter-hour under what the link had at its start, while a sale through a click made after
-- the move goes, by the click's own time, to the new one. The quarter-hours in which a link
-- moved are now read from the raw clicks, each on its side of the move.

-- The clicks of `link_ids` from `from_` to `to_`, per link, source and quarter-hour as the rollup
-- has them, each dated by its quarter-hour's start; except a quarter-hour holding one of `cuts`
-- (the instant that link moved, cuts[i] for link_ids[i]), split at each cut and each piece dated
-- by the cut it starts at (its clicks before the first cut by the quarter-hour's start), so a
-- piece falls into a history's span [since, until) as its clicks do. A quarter-hour is split only
-- where its raw clicks, counted as the shipper counts them (a visitor unique at its first click
-- of the UTC day on the link, bots left out), add up to its rollup; past the click retention, or
-- where they do not (a click shipped late after a later one of its visitor), it stays whole.
CREATE FUNCTION linkledger_link_clicks_cut(from_ timestamptz, to_ timestamptz, link_ids bigint[], cuts timestamptz[])
RETURNS TABLE (link_id bigint, source text, at timestamptz, clicks bigint, unique_clicks bigint)
LANGUAGE sql STABLE AS $$
    WITH cut AS (
        SELECT DISTINCT u.link_id, u.at, date_bin('15 minutes', u.at, timestamptz '2000-01-01 00:00:00+00') AS bucket
        FROM unnest(link_ids, cuts) AS u(link_id, at)
    ), cut_quarter AS (
        SELECT DISTINCT k.link_id, k.bucket FROM cut k WHERE k.bucket >= from_ AND k.bucket < to_
    ), raw AS (
        -- The link's clicks of the day up to the quarter-hour's end, to tell each visitor's first.
        SELECT c.link_id, c.source, k.bucket, c.bot, c.at,
               (SELECT max(x.at) FROM cut x WHERE x.link_id = c.link_id AND x.bucket = k.bucket AND x.at <= c.at) AS piece,
               NOT c.bot AND c.visitor_hash IS NOT NULL
               AND row_number() OVER (PARTITION BY k.link_id, k.bucket, c.bot, c.visitor_hash ORDER BY c.at, c.click_id) = 1
                   AS first_of_day
        FROM cut_quarter k
        JOIN clicks c ON c.link_id = k.link_id AND c.at < k.bucket + interval '15 minutes'
                     AND c.at >= date_trunc('day', k.bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    ), pieces AS (
        SELECT r.link_id, r.source, r.bucket, COALESCE(r.piece, r.bucket) AS at,
               count(*) FILTER (WHERE NOT r.bot) AS clicks, count(*) FILTER (WHERE r.first_of_day) AS unique_clicks
        FROM raw r WHERE r.at >= r.bucket GROUP BY 1, 2, 3, 4
    ), exact AS (
        SELECT q.bucket, q.link_id, q.source
        FROM click_totals_quarter_hourly q
        JOIN (SELECT p.link_id, p.source, p.bucket, sum(p.clicks) AS clicks, sum(p.unique_clicks) AS unique_clicks
              FROM pieces p GROUP BY 1, 2, 3) p
          ON p.link_id = q.link_id AND p.source = q.source AND p.bucket = q.bucket
         AND p.clicks = q.clicks AND p.unique_clicks = q.unique_clicks
    )
    SELECT q.link_id, q.source, q.bucket, q.clicks, q.unique_clicks
    FROM click_totals_quarter_hourly q
    WHERE q.link_id = ANY (link_ids) AND q.bucket >= from_ AND q.bucket < to_
      AND NOT EXISTS (SELECT 1 FROM exact e WHERE e.bucket = q.bucket AND e.link_id = q.link_id AND e.source = q.source)
    UNION ALL
    SELECT p.link_id, p.source, p.at, p.clicks, p.unique_clicks
    FROM pieces p JOIN exact e ON e.bucket = p.bucket AND e.link_id = p.link_id AND e.source = p.source
$$;
