-- Which video a promo code was given with, and since when, as 0025 keeps a link's video and 0029
-- a code's link. A sale is attributed when it is reported, often days after it was made (a
-- network's monthly report, a late postback, a shop order redelivered): a code given another
-- video since (PATCH {"video_id": ...}) credited the earlier sale to the new video. A sale now
-- takes the code's video, and its link (code_links), at the sale's time.
-- What came before is not known: each code's present video counts from the beginning, as it did;
-- a new code's video too (a code said in a video before it was typed in here found its earlier
-- sales, and still does).
-- Nothing gives a code another video between the history's first rows and its trigger.
LOCK TABLE promo_codes IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE code_videos (
    code_id  bigint      NOT NULL REFERENCES promo_codes (id),
    since    timestamptz NOT NULL,
    video_id bigint      REFERENCES videos (id),
    PRIMARY KEY (code_id, since)
);

INSERT INTO code_videos (code_id, since, video_id) SELECT id, '-infinity', video_id FROM promo_codes;

CREATE FUNCTION linkledger_record_code_video() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO code_videos (code_id, since, video_id) VALUES (NEW.id, '-infinity', NEW.video_id);
    ELSIF NEW.video_id IS DISTINCT FROM OLD.video_id THEN
        -- Two changes in one transaction: the last one stands.
        INSERT INTO code_videos (code_id, since, video_id) VALUES (NEW.id, now(), NEW.video_id)
        ON CONFLICT (code_id, since) DO UPDATE SET video_id = EXCLUDED.video_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER promo_codes_record_video AFTER INSERT OR UPDATE OF video_id ON promo_codes
    FOR EACH ROW EXECUTE FUNCTION linkledger_record_code_video();

-- The video `code` was given with, at `at`.
CREATE FUNCTION linkledger_code_video_at(code bigint, at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT video_id FROM code_videos WHERE code_id = code AND since <= at ORDER BY since DESC LIMIT 1
$$;

-- The link `code` was given with, at `at`. A code's link is recorded from its creation (0032),
-- and a sale may come before it (a code said in a video before it was typed in here): such a
-- sale takes the link the code was created with.
CREATE FUNCTION linkledger_code_link_at(code bigint, at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT link_id FROM code_links WHERE code_id = code
    ORDER BY since <= at DESC, CASE WHEN since <= at THEN since END DESC NULLS LAST, since LIMIT 1
$$;
