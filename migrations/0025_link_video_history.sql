-- Which video a link pointed at, and since when. A creator points the one link in their bio at
-- each new video; a click belongs to the video the link pointed at when the click happened.
-- Before, a sale found through its click took the link's video at the moment the sale was
-- recorded (a postback days later, a monthly CSV import), and reports counted every past click
-- of a link under its current video: moving the bio link moved the old clicks and sales with it.
-- Nothing moves a link between the history's first rows and its trigger (an older node of a
-- rolling upgrade would otherwise move one unrecorded).
LOCK TABLE links IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE link_videos (
    link_id  bigint      NOT NULL REFERENCES links (id),
    since    timestamptz NOT NULL,
    video_id bigint      REFERENCES videos (id),
    PRIMARY KEY (link_id, since)
);

-- What came before is not known: each link's present video counts from the beginning, as it did.
INSERT INTO link_videos (link_id, since, video_id) SELECT id, '-infinity', video_id FROM links;

CREATE FUNCTION linkledger_record_link_video() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO link_videos (link_id, since, video_id) VALUES (NEW.id, '-infinity', NEW.video_id);
    ELSIF NEW.video_id IS DISTINCT FROM OLD.video_id THEN
        -- Two moves in one transaction: the last one stands.
        INSERT INTO link_videos (link_id, since, video_id) VALUES (NEW.id, now(), NEW.video_id)
        ON CONFLICT (link_id, since) DO UPDATE SET video_id = EXCLUDED.video_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER links_record_video AFTER INSERT OR UPDATE OF video_id ON links
    FOR EACH ROW EXECUTE FUNCTION linkledger_record_link_video();

-- Each stretch of time a link pointed at one video (or none): [since, until).
CREATE VIEW link_video_spans AS
SELECT link_id, video_id, since,
       lead(since, 1, 'infinity') OVER (PARTITION BY link_id ORDER BY since) AS until
FROM link_videos;

-- The video `link` pointed at, at `at`.
CREATE FUNCTION linkledger_link_video_at(link bigint, at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT video_id FROM link_videos WHERE link_id = link AND since <= at ORDER BY since DESC LIMIT 1
$$;

-- The latest moment a click may have been made and still count for a sale, when it is not the
-- sale's own time: a report that gives only the sale's day (stored at its first instant) lets
-- any click of that day count. NULL: the sale's time.
ALTER TABLE conversions ADD COLUMN click_until timestamptz;

-- A pending sale settled when its click is stored takes the video of the click's time, as
-- money/sale_recorder.cpp does for a click already stored, and the same latest click time
-- (0009's rules otherwise unchanged).
CREATE OR REPLACE FUNCTION linkledger_attribute_pending(click_ids text[]) RETURNS integer
LANGUAGE sql AS $$
    WITH hits AS (
        SELECT DISTINCT ON (c.id) c.id, n.link_id, n.source,
               linkledger_link_video_at(n.link_id, n.at) AS link_video,
               (NOT n.bot AND n.at <= COALESCE(c.click_until, c.occurred_at) + interval '5 minutes'
                AND n.at >= c.occurred_at - make_interval(days => o.attribution_window_days)) AS counts,
               (SELECT v.id FROM videos v
                WHERE linkledger_link_video_at(n.link_id, n.at) IS NULL AND v.posted_at <= n.at
                  AND v.posted_at > n.at - make_interval(hours => COALESCE(c.model_hours, 72))
                ORDER BY v.posted_at DESC, v.id DESC LIMIT 1) AS model_video
        FROM conversions c
        JOIN clicks n ON n.click_id = c.click_id
        JOIN offers o ON o.id = c.offer_id
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
