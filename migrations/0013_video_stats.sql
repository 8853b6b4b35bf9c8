-- Video statistics (issue 17): what the platform's analytics say about each video per day,
-- imported by API or from a creator-analytics CSV export, beside the clicks and money
-- Linkledger knows, so reports can put RPM and clicks per 1,000 views side by side.
-- A day is the creator's calendar date as the platform reports it (never a UTC day we shift).
-- Every figure is optional: exports differ in what they carry, and a later import of the same
-- day replaces what it names and keeps the rest (never adds).

CREATE TABLE video_stats (
    video_id         bigint      NOT NULL REFERENCES videos (id),
    day              date        NOT NULL,
    views            bigint      CHECK (views >= 0),
    likes            bigint      CHECK (likes >= 0),
    comments         bigint      CHECK (comments >= 0),
    shares           bigint      CHECK (shares >= 0),
    -- Milliseconds: exports give "8.4s" or "0:08", never more precise than that.
    average_watch_ms bigint      CHECK (average_watch_ms >= 0),
    followers_gained bigint      CHECK (followers_gained >= 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (video_id, day)
);
-- Reports over a period for every video read by day.
CREATE INDEX video_stats_day ON video_stats (day);

-- The platform's own id of a video, read from its URL (TikTok /video/7301..., Instagram /reel/
-- and /p/, YouTube /shorts/, watch?v= and youtu.be/), so an export that names videos by id, or
-- by a URL written differently (a query, a trailing slash, another host), finds the same video.
-- A column kept by a trigger rather than a generated one: a video an import creates from an id
-- alone has no URL to read it from.
CREATE FUNCTION linkledger_platform_video_id(url text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(substring(url from '/(?:video|reels?|p|shorts)/([A-Za-z0-9_-]{1,64})'),
                    substring(url from '[?&]v=([A-Za-z0-9_-]{1,64})'),
                    substring(url from '^https?://youtu\.be/([A-Za-z0-9_-]{1,64})'))
$$;

ALTER TABLE videos ADD COLUMN platform_video_id text CHECK (length(platform_video_id) BETWEEN 1 AND 64);
UPDATE videos SET platform_video_id = linkledger_platform_video_id(url);
CREATE INDEX videos_platform_video_id ON videos (platform_video_id);

-- A URL that names an id sets it; one that names none keeps the id the video had.
CREATE FUNCTION linkledger_videos_platform_video_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.platform_video_id := COALESCE(linkledger_platform_video_id(NEW.url), NEW.platform_video_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER videos_platform_video_id BEFORE INSERT OR UPDATE OF url ON videos
FOR EACH ROW EXECUTE FUNCTION linkledger_videos_platform_video_id();
