-- Late clicks: a sale whose click id is one of ours but not yet in PostgreSQL (the journal of
-- this or another instance has not shipped it: a lagging shipper, after an outage) waits as
-- attribution 'pending' and is attributed the moment that click is stored, by whichever
-- instance stores it, through the statement trigger below. Past its deadline it is
-- unattributed ('none'), by the sweep the server runs (money/late_clicks).
-- Also: the audit log names postbacks, shop webhooks and the server itself as actors.

ALTER TABLE conversions DROP CONSTRAINT conversions_attribution_check;
ALTER TABLE conversions ADD CONSTRAINT conversions_attribution_check
    CHECK (attribution IN ('click', 'code', 'model', 'none', 'pending'));
-- When a pending sale gives up waiting, and the model window (hours) its instance used, so the
-- trigger attributes exactly as record_sale would have.
ALTER TABLE conversions ADD COLUMN attribution_deadline timestamptz,
                        ADD COLUMN model_hours integer;
ALTER TABLE conversions ADD CONSTRAINT conversions_pending_has_deadline
    CHECK ((attribution = 'pending') = (attribution_deadline IS NOT NULL));
-- Small: only the sales waiting for their click. Each shipped batch probes it once.
CREATE INDEX conversions_pending_click ON conversions (click_id) WHERE attribution = 'pending';

-- Attributes the pending sales whose click is among `click_ids` and now stored, by the rules of
-- money/sale_recorder.cpp's attribute(): a click counts when it is not a bot, came at most 5
-- minutes after the sale and within the offer's window before it; a link without a video hands
-- the sale to the latest video posted within the model window before the click. A click that
-- does not count leaves the sale unattributed at once. Returns how many sales it settled.
CREATE FUNCTION linkledger_attribute_pending(click_ids text[]) RETURNS integer
LANGUAGE sql AS $$
    WITH hits AS (
        SELECT DISTINCT ON (c.id) c.id, n.link_id, n.source, l.video_id AS link_video,
               (NOT n.bot AND n.at <= c.occurred_at + interval '5 minutes'
                AND n.at >= c.occurred_at - make_interval(days => o.attribution_window_days)) AS counts,
               (SELECT v.id FROM videos v
                WHERE l.video_id IS NULL AND v.posted_at <= n.at
                  AND v.posted_at > n.at - make_interval(hours => COALESCE(c.model_hours, 72))
                ORDER BY v.posted_at DESC, v.id DESC LIMIT 1) AS model_video
        FROM conversions c
        JOIN clicks n ON n.click_id = c.click_id
        JOIN offers o ON o.id = c.offer_id
        LEFT JOIN links l ON l.id = n.link_id
        WHERE c.attribution = 'pending' AND c.click_id = ANY (click_ids)
        ORDER BY c.id, n.at
    ), settled AS (
        UPDATE conversions c
        SET attribution = CASE WHEN NOT h.counts THEN 'none'
                               WHEN h.link_video IS NULL AND h.model_video IS NOT NULL THEN 'model'
                               ELSE 'click' END,
            source = CASE WHEN h.counts THEN h.source ELSE 'unattributed' END,
            link_id = CASE WHEN h.counts THEN h.link_id END,
            video_id = CASE WHEN h.counts THEN COALESCE(h.link_video, h.model_video) END,
            attribution_deadline = NULL,
            updated_at = now()
        FROM hits h
        WHERE c.id = h.id
        RETURNING 1
    )
    SELECT count(*)::integer FROM settled
$$;

-- Every statement that stores clicks (the shipper's COPY, its replay INSERT) settles the
-- sales that were waiting for them, in the same transaction, whichever instance runs it. When
-- no sale is pending (nearly always) this costs one probe of a tiny partial index per batch.
CREATE FUNCTION linkledger_attribute_late_clicks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM conversions WHERE attribution = 'pending') THEN
        PERFORM linkledger_attribute_pending(ARRAY(
            SELECT DISTINCT n.click_id FROM new_clicks n
            JOIN conversions c ON c.attribution = 'pending' AND c.click_id = n.click_id));
    END IF;
    RETURN NULL;
END $$;

-- On the parent for statements that route rows (the replay path), and on every monthly
-- partition for the shipper's COPY straight into one: a statement fires only the triggers of
-- the table it names, so no batch is seen twice.
CREATE TRIGGER clicks_attribute_late_sales AFTER INSERT ON clicks
    REFERENCING NEW TABLE AS new_clicks
    FOR EACH STATEMENT EXECUTE FUNCTION linkledger_attribute_late_clicks();

CREATE FUNCTION linkledger_add_late_click_trigger(partition text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER clicks_attribute_late_sales AFTER INSERT ON %I '
                   'REFERENCING NEW TABLE AS new_clicks '
                   'FOR EACH STATEMENT EXECUTE FUNCTION linkledger_attribute_late_clicks()', partition);
END $$;

SELECT linkledger_add_late_click_trigger(c.relname)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'clicks'::regclass;

-- As in 0002, and each new month's partition gets the trigger too.
CREATE OR REPLACE FUNCTION linkledger_ensure_click_partition(day date) RETURNS text
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
        PERFORM linkledger_add_late_click_trigger(name);
    END IF;
    RETURN name;
END $$;

-- Changes no person made through the API: a network's postback, a shop's webhook, or the
-- server itself (a CSV row, a late click given up on).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_kind_check
    CHECK (actor_kind IN ('user', 'api_key', 'cli', 'postback', 'webhook', 'system'));
