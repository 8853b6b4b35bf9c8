-- The creator's time zone: reports, the overview and the heatmap count the days and hours of
-- the creator's zone, whose offset from UTC may be any quarter of an hour (Asia/Kolkata +05:30,
-- Asia/Kathmandu +05:45) and moves with daylight saving. A UTC hour or day cannot be refiled
-- into such a zone, so clicks are also rolled up per UTC quarter-hour:
--   click_rollups_quarter_hourly (bucket, source) replaces click_rollups_hourly: the heatmap and
--     the reports by day and by hour sum it;
--   click_totals_quarter_hourly (bucket, link_id, source) sits beside click_totals_daily: the
--     reports per link (source, video, offer, code) take the whole UTC days of a period from
--     click_totals_daily and only its two partial ends from here.
-- Existing rollups are kept. An hour (or a link's day) whose raw clicks are all still stored and
-- add up to the rollup exactly is split into its quarter-hours; any other (past the retention,
-- written by hand, unique visitors unknown before 0003) is carried whole into its first
-- quarter-hour, so no count changes, only where it is filed.
-- Also: each dashboard user's own time zone, the dashboard's default for their reports.

-- Hours and days below are UTC whatever the session's time zone.
SET LOCAL TIME ZONE 'UTC';

CREATE TABLE click_rollups_quarter_hourly (
    bucket        timestamptz NOT NULL, -- the quarter-hour's start
    source        text        NOT NULL,
    clicks        bigint      NOT NULL DEFAULT 0, -- bots and previewers excluded
    unique_clicks bigint      NOT NULL DEFAULT 0, -- a visitor's first click of its UTC day
    bot_hits      bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, source)
);

CREATE TABLE click_totals_quarter_hourly (
    bucket        timestamptz NOT NULL,
    link_id       bigint      NOT NULL,
    source        text        NOT NULL,
    clicks        bigint      NOT NULL DEFAULT 0,
    unique_clicks bigint      NOT NULL DEFAULT 0,
    bot_hits      bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, link_id, source)
);

-- The raw clicks per quarter-hour, link and source, as the shipper counts them: a visitor
-- (keyed hash, one per UTC day and link) is unique at its first click of the day.
CREATE TEMP TABLE quarter_clicks ON COMMIT DROP AS
SELECT date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00') AS bucket, link_id, source,
       count(*) FILTER (WHERE NOT bot) AS clicks,
       count(*) FILTER (WHERE first_of_day) AS unique_clicks,
       count(*) FILTER (WHERE bot) AS bot_hits
FROM (SELECT at, link_id, source, bot,
             NOT bot AND visitor_hash IS NOT NULL
             AND row_number() OVER (PARTITION BY (at AT TIME ZONE 'UTC')::date, link_id, visitor_hash
                                    ORDER BY at) = 1 AS first_of_day
      FROM clicks) c
GROUP BY 1, 2, 3;

WITH raw AS (
    SELECT date_trunc('hour', bucket) AS hour, source, sum(clicks) AS clicks,
           sum(unique_clicks) AS unique_clicks, sum(bot_hits) AS bot_hits
    FROM quarter_clicks GROUP BY 1, 2
), exact AS (
    SELECT h.hour, h.source FROM click_rollups_hourly h
    JOIN raw r ON r.hour = h.hour AND r.source = h.source AND r.clicks = h.clicks
              AND r.unique_clicks = h.unique_clicks AND r.bot_hits = h.bot_hits
)
INSERT INTO click_rollups_quarter_hourly (bucket, source, clicks, unique_clicks, bot_hits)
SELECT q.bucket, q.source, sum(q.clicks), sum(q.unique_clicks), sum(q.bot_hits)
FROM quarter_clicks q JOIN exact e ON e.hour = date_trunc('hour', q.bucket) AND e.source = q.source
GROUP BY 1, 2
UNION ALL
SELECT h.hour, h.source, h.clicks, h.unique_clicks, h.bot_hits
FROM click_rollups_hourly h
WHERE NOT EXISTS (SELECT 1 FROM exact e WHERE e.hour = h.hour AND e.source = h.source);

WITH raw AS (
    SELECT (bucket AT TIME ZONE 'UTC')::date AS day, link_id, source, sum(clicks) AS clicks,
           sum(unique_clicks) AS unique_clicks, sum(bot_hits) AS bot_hits
    FROM quarter_clicks GROUP BY 1, 2, 3
), exact AS (
    SELECT t.day, t.link_id, t.source FROM click_totals_daily t
    JOIN raw r ON r.day = t.day AND r.link_id = t.link_id AND r.source = t.source AND r.clicks = t.clicks
              AND r.unique_clicks = t.unique_clicks AND r.bot_hits = t.bot_hits
)
INSERT INTO click_totals_quarter_hourly (bucket, link_id, source, clicks, unique_clicks, bot_hits)
SELECT q.bucket, q.link_id, q.source, q.clicks, q.unique_clicks, q.bot_hits
FROM quarter_clicks q
JOIN exact e ON e.day = (q.bucket AT TIME ZONE 'UTC')::date AND e.link_id = q.link_id AND e.source = q.source
UNION ALL
SELECT t.day::timestamp AT TIME ZONE 'UTC', t.link_id, t.source, t.clicks, t.unique_clicks, t.bot_hits
FROM click_totals_daily t
WHERE NOT EXISTS (SELECT 1 FROM exact e WHERE e.day = t.day AND e.link_id = t.link_id AND e.source = t.source);

DROP TABLE click_rollups_hourly;

-- The start of the hour of `zone` that holds `t`, as an instant: at a fall-back night the two
-- 02:00 hours of Paris are two hours, not one; in Asia/Kolkata 05:00 local is 23:30 UTC.
CREATE FUNCTION linkledger_local_hour(t timestamptz, zone text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT t - ((t AT TIME ZONE zone) - date_trunc('hour', t AT TIME ZONE zone))
$$;

-- `t` as the wall-clock time of `zone` with its offset, ISO 8601 ('2026-10-25T02:00:00+01:00',
-- 'Z' for offset zero): the offset tells the two 02:00 of a fall-back night apart.
CREATE FUNCTION linkledger_local_time(t timestamptz, zone text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE zone, 'YYYY-MM-DD"T"HH24:MI:SS') ||
           CASE WHEN o = 0 THEN 'Z'
                ELSE CASE WHEN o < 0 THEN '-' ELSE '+' END || to_char(make_interval(secs => abs(o)), 'HH24:MI') END
    FROM (SELECT extract(epoch FROM (t AT TIME ZONE zone) - (t AT TIME ZONE 'UTC'))::integer AS o) AS offset_seconds
$$;

-- An IANA name (Europe/Paris), checked against PostgreSQL's zones when set; NULL: the
-- instance's LINKLEDGER_TIMEZONE.
ALTER TABLE users ADD COLUMN time_zone text CHECK (length(time_zone) BETWEEN 1 AND 64);
