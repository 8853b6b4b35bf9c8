-- The click pipeline: clicks partitioned by month with their classification, the daily
-- rollup the writer maintains, unique-visitor bookkeeping with daily salts, the journal
-- checkpoints of each node, and a notification on every link change for the redirect tables.

ALTER TABLE clicks RENAME TO clicks_unpartitioned;
ALTER INDEX clicks_link_at RENAME TO clicks_unpartitioned_link_at;
ALTER TABLE clicks_unpartitioned RENAME CONSTRAINT clicks_pkey TO clicks_unpartitioned_pkey;

-- No foreign key to links: links are never hard-deleted, and a check per row would slow the
-- batch writer. The primary key must hold the partition key.
CREATE TABLE clicks (
    click_id     text        NOT NULL,
    at           timestamptz NOT NULL,
    link_id      bigint      NOT NULL,
    node_id      text        NOT NULL DEFAULT '',
    ip_anon      text        NOT NULL DEFAULT '',
    user_agent   text        NOT NULL DEFAULT '',
    referer      text        NOT NULL DEFAULT '',
    utm_source   text        NOT NULL DEFAULT '',
    utm_medium   text        NOT NULL DEFAULT '',
    utm_campaign text        NOT NULL DEFAULT '',
    utm_term     text        NOT NULL DEFAULT '',
    utm_content  text        NOT NULL DEFAULT '',
    source       text        NOT NULL DEFAULT 'direct',
    in_app       text        NOT NULL DEFAULT 'none',
    device       text        NOT NULL DEFAULT 'desktop',
    os           text        NOT NULL DEFAULT 'other',
    country      text        NOT NULL DEFAULT 'unknown',
    bot          boolean     NOT NULL DEFAULT false,
    bot_reason   text        NOT NULL DEFAULT '',
    -- Keyed hash of (anonymised IP, User-Agent, link, day) with that day's salt.
    visitor_hash bytea,
    PRIMARY KEY (click_id, at)
) PARTITION BY RANGE (at);

CREATE INDEX clicks_link_at ON clicks (link_id, at);

-- Creates the month partition holding `day` if it is missing. Serialised by an advisory
-- lock because CREATE TABLE IF NOT EXISTS still races between two writers.
CREATE FUNCTION linkledger_ensure_click_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day date := date_trunc('month', day)::date;
    name text := 'clicks_' || to_char(first_day, 'YYYYMM');
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('linkledger_click_partitions'));
    IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
                       name, first_day::text || ' 00:00:00+00',
                       (first_day + interval '1 month')::date::text || ' 00:00:00+00');
    END IF;
    RETURN name;
END $$;

-- The partitions are bounded in UTC whatever the session's time zone.
SET LOCAL TIME ZONE 'UTC';
SELECT linkledger_ensure_click_partition(d::date)
FROM generate_series(
         COALESCE((SELECT date_trunc('month', min(at)) FROM clicks_unpartitioned), date_trunc('month', now())),
         date_trunc('month', now()) + interval '2 months',
         interval '1 month') AS d;

INSERT INTO clicks (click_id, at, link_id, ip_anon, user_agent, referer,
                    utm_source, utm_medium, utm_campaign, utm_term, utm_content, source)
SELECT click_id, at, link_id, ip_anon, user_agent, referer,
       utm_source, utm_medium, utm_campaign, utm_term, utm_content,
       CASE WHEN utm_source <> '' THEN lower(utm_source) ELSE 'direct' END
FROM clicks_unpartitioned;
DROP TABLE clicks_unpartitioned;

CREATE TABLE click_rollups_daily (
    link_id       bigint NOT NULL,
    day           date   NOT NULL, -- UTC
    source        text   NOT NULL,
    in_app        text   NOT NULL,
    country       text   NOT NULL,
    clicks        bigint NOT NULL DEFAULT 0, -- bots and previewers excluded
    unique_clicks bigint NOT NULL DEFAULT 0,
    bot_hits      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (link_id, day, source, in_app, country)
);

INSERT INTO click_rollups_daily (link_id, day, source, in_app, country, clicks)
SELECT link_id, (at AT TIME ZONE 'UTC')::date, source, in_app, country, count(*)
FROM clicks GROUP BY 1, 2, 3, 4, 5;

-- Visitors already counted as unique on a day; pruned with the salts after two days.
CREATE TABLE click_uniques (
    day          date   NOT NULL,
    link_id      bigint NOT NULL,
    visitor_hash bytea  NOT NULL,
    PRIMARY KEY (day, link_id, visitor_hash)
);

-- One random salt a day, shared by every node, deleted once the day is over and shipped.
CREATE TABLE daily_salts (
    day  date  PRIMARY KEY,
    salt bytea NOT NULL CHECK (length(salt) = 32)
);

-- How far each node's journal has been shipped; written in the same transaction as the batch.
CREATE TABLE journal_checkpoints (
    node_id     text        PRIMARY KEY,
    segment     bigint      NOT NULL,
    byte_offset bigint      NOT NULL,
    shipped     bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION linkledger_notify_link_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('linkledger_link_changes', COALESCE(NEW.id, OLD.id)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER links_notify_change AFTER INSERT OR UPDATE OR DELETE ON links
FOR EACH ROW EXECUTE FUNCTION linkledger_notify_link_change();
